"""Every browser asks for /favicon.ico on every first visit: it is there, not a 404 in the logs."""


def test_the_site_icon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
