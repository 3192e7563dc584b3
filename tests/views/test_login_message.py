"""A page that needs a log-in sends the visitor to the log-in page with a message in the visitor's language."""


def test_protected_page_asks_to_log_in_in_danish(client):
    resp = client.get("/forening/", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.request.path == "/konto/log-ind"
    assert "Log ind for at se siden." in page
    assert "Please log in" not in page

