from accounts.models import User


def test_a_chinese_name_reads_family_name_first_without_a_space():
    assert User(first_name="小明", last_name="王").get_full_name() == "王小明"


def test_a_latin_name_reads_given_name_first():
    assert User(first_name="Ada", last_name="Lovelace").get_full_name() == "Ada Lovelace"


def test_someone_without_a_name_is_shown_by_email():
    assert str(User(email="x@example.cn", username="x")) == "x@example.cn"


def test_the_template_filter_writes_names_the_same_way():
    from accounts.templatetags.names import full_name

    assert full_name("小明", "王") == "王小明"
    assert full_name("Ada", "Lovelace") == "Ada Lovelace"


def test_a_chinese_name_is_greeted_whole_a_latin_one_by_the_given_name(client, admin_user):
    assert User(first_name="敏", last_name="赵").get_short_name() == "赵敏"
    assert User(first_name="Ada", last_name="Lovelace").get_short_name() == "Ada"
    admin_user.first_name, admin_user.last_name = "敏", "赵"
    admin_user.save()
    client.force_login(admin_user)

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<strong>赵敏</strong>" in page
