"""The rate limits' two stores, behind the same functions: the database (the default) and Redis
through Django's cache (with REDIS_URL). Each counts the same way, forgets a window when it ends,
and keeps only a keyed hash of who was counted."""

import threading
from unittest import mock

import pytest
import redis

from together.reviews import ratelimit
from together.reviews.models import RateLimitWindow

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def _use_redis(settings, url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "t"}
    }
    settings.RATE_LIMIT_STORE = "cache"


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Yields what the store holds: a function listing (key, hits) pairs."""
    if request.param == "database":
        settings.RATE_LIMIT_STORE = "database"
        yield lambda: list(RateLimitWindow.objects.values_list("key", "hits"))
        return
    url = request.getfixturevalue("redis_url")
    _use_redis(settings, url)
    client = redis.Redis.from_url(url)
    yield lambda: [(key.decode(), int(client.get(key))) for key in client.keys("*")]
    client.close()


def test_a_subject_is_refused_once_over_its_limit_and_others_are_not(store):
    limit = (3, 60)
    assert [ratelimit.allow_for(ADDRESS, "sign-in", limit) for _ in range(4)] == [True, True, True, False]
    assert ratelimit.allow_for("198.51.100.1", "sign-in", limit), "another address has its own count"
    assert ratelimit.allow_for(ADDRESS, "respond", limit), "another purpose has its own count"
    assert ratelimit.hits(f"sign-in|{ADDRESS}", limit) == 4
    assert ratelimit.hits(f"sign-in|{ADDRESS}", limit) == 4, "looking counts nothing"
    assert sorted(hits for _key, hits in store()) == [1, 1, 4]


def test_count_says_when_the_window_ends(store):
    with mock.patch("time.time", return_value=6000.0 + 45):  # 45 s into a one-minute window
        assert ratelimit.count("api", "digest", (1, 60)) == (True, 15)
        assert ratelimit.count("api", "digest", (1, 60)) == (False, 15)
    with mock.patch("time.time", return_value=6000.0 + 60):  # the next window starts afresh
        assert ratelimit.count("api", "digest", (1, 60)) == (True, 60)


def test_only_a_keyed_hash_of_the_address_is_kept(store, settings):
    ratelimit.allow_for(ADDRESS, "sign-in", (10, 60))
    [(key, hits)] = store()
    assert hits == 1
    assert ADDRESS not in key and "sign-in" not in key
    kept = key.rsplit(":", 1)[-1]
    assert len(kept) == 64 and int(kept, 16) >= 0, "an HMAC-SHA256 digest"
    settings.SECRET_KEY = "another-key-" + "x" * 50
    ratelimit.allow_for(ADDRESS, "sign-in", (10, 60))
    assert len(store()) == 2, "the digest depends on the secret key, so it cannot be reversed by guessing"


def test_redis_keys_expire_with_their_window(redis_url, settings):
    _use_redis(settings, redis_url)
    with mock.patch("time.time", return_value=6000.0 + 45):
        ratelimit.allow_for(ADDRESS, "sign-in", (10, 60))
    [key] = redis.Redis.from_url(redis_url).keys("*")
    ttl = redis.Redis.from_url(redis_url).ttl(key)
    # The window's 15 s left (seen from the real clock, the window is long over: at least 1 s)
    # and the grace of a minute.
    assert 0 < ttl <= 16 + ratelimit._CACHE_GRACE_SECONDS


def test_redis_counts_every_hit_from_many_threads_at_once(redis_url, settings):
    _use_redis(settings, redis_url)
    limit, threads, each = (50, 60), 8, 25
    allowed = []
    start = threading.Barrier(threads)

    def hammer():
        start.wait()
        allowed.extend(ratelimit.allow_for(ADDRESS, "respond", limit) for _ in range(each))

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert ratelimit.hits(f"respond|{ADDRESS}", limit) == threads * each
    assert allowed.count(True) == 50, "exactly the limit got through"


def test_an_unreachable_redis_is_a_503_not_a_500(client, settings):
    from tests.integration.servers import free_port

    _use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    settings.CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1}
    client.raise_request_exception = False
    response = client.post("/sign-in/", {"username": "someone@council.example", "password": "guess"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
