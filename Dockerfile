# syntax=docker/dockerfile:1
# Transforming Together: one image for the web service and the background worker.
#
#   docker build -t transforming-together .
#   docker run --env-file deploy/together.env -p 8000:8000 transforming-together web
#
# Three stages: the stylesheet is built with npm, the Python environment with uv from uv.lock,
# and the final image holds only the runtime, as an unprivileged user. No secret is built in:
# every setting comes from the environment when a container starts (deploy/example.env).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- GOV.UK Frontend's styles and script, from package-lock.json
FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-assets.mjs scripts/
COPY src/together/assets src/together/assets
RUN npm run build

# --- the virtual environment, exactly as uv.lock says, without the development tools
FROM ${PYTHON_IMAGE} AS python
ARG UV_VERSION=0.13.9
# gunicorn-h1c (gunicorn's C parser) is published as source for Linux: it needs a C compiler.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# The dependencies first, in a layer of their own that a change to the code leaves cached.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src src
RUN uv sync --frozen --no-dev

# --- the image that runs
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="Transforming Together" \
      org.opencontainers.image.licenses="MIT"
# Pango and fonts for WeasyPrint's PDF reports; postgresql-client for `together backup` (pg_dump).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 together \
    && useradd --system --uid 10001 --gid together --create-home --home-dir /home/together \
        --shell /usr/sbin/nologin together
WORKDIR /app
# The code belongs to root and cannot be changed by the service; only var/ (static files, a
# SQLite database if one is used) and /backups are the service's to write.
COPY --from=python /app/.venv /app/.venv
COPY --from=python /app/src /app/src
COPY --from=assets /build/src/together/static/build /app/src/together/static/build
COPY pyproject.toml README.md ./
COPY frameworks frameworks
COPY deploy/entrypoint.sh deploy/healthcheck.py deploy/
RUN python -m compileall -q /app/src \
    && mkdir -p /app/var/static /backups \
    && chown together:together /app/var /app/var/static /backups
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TOGETHER_ROOT=/app \
    STATIC_ROOT=/app/var/static \
    GUNICORN_BIND=0.0.0.0:8000
# Numeric, so that a runtime can check it is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# Asks /healthz (200 "ok" only when the database takes a write and the disks have room).
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
