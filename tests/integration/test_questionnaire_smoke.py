import pytest

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db


def test_open_link_respondent_completes_the_questionnaire(client, facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    html = complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/")
    assert "Your answers have been sent" in html
    response = Response.objects.get()
    assert response.state == "submitted" and response.resume_digest is None
    assert Answer.objects.count() == len(framework_version.framework.statements)
