"""Every flow end to end through Rasa's REST channel, with the real action server and database.

The test stack serves that channel (``harness/credentials.yml``); like every route of
Rasa, it wants the internal token.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.support.stack import Stack

pytestmark = pytest.mark.slow


class Citizen:
    """One conversation with the Rasa server, as a channel would hold it."""

    def __init__(self, stack: Stack, lang: str | None = None) -> None:
        self.client = httpx.Client(
            base_url=stack.rasa_url, headers=stack.internal_headers, timeout=60
        )
        self.sender = f"test-{uuid.uuid4().hex[:12]}"
        self.lang = lang

    def say(self, text: str) -> str:
        metadata = {"lang": self.lang} if self.lang else {}
        replies = self.client.post(
            "/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text, "metadata": metadata},
        ).json()
        self.last = replies
        return "\n".join(r.get("text", "") for r in replies)

    def buttons(self) -> list[dict]:
        return [b for r in self.last for b in r.get("buttons", [])]

    def slot(self, name: str):
        return (
            self.client.get(f"/conversations/{self.sender}/tracker")
            .json()["slots"]
            .get(name)
        )


@pytest.fixture
def citizen(stack) -> Citizen:
    return Citizen(stack)


def test_guidance_then_elliptic_follow_ups(citizen):
    assert "上海市居住证办理" in citizen.say("刚来上海工作，居住证要怎么办")
    assert "需要准备以下材料" in citizen.say("那要带啥？")
    assert "办理时限" in citizen.say("要多久？")
    assert citizen.slot("service") == "residence-permit"


def test_several_matching_services_are_offered_as_buttons(citizen):
    citizen.say("公积金提取要什么材料")
    payloads = [b["payload"] for b in citizen.buttons()]
    assert len(payloads) >= 2 and all("housing-fund" in p for p in payloads)
    assert "需要准备以下材料" in citizen.say(payloads[0])


def test_application_with_a_fee_question_in_the_middle(citizen):
    assert "是否同意" in citizen.say("我要在线申请居住证")
    assert "姓名" in citizen.say("同意")
    assert "身份证" in citizen.say("张伟")
    assert "不对" in citizen.say("310104199001011234")
    assert "手机" in citizen.say("310104199001011233")
    assert "哪个区" in citizen.say("13812345678")
    fee_answer = citizen.say("办这个要交钱吗")
    assert "收费标准" in fee_answer and "哪个区" in fee_answer
    summary = citizen.say("徐汇区")
    # Shown back masked before it goes out (issue 25).
    assert "确认提交" in summary and "张*" in summary and "138****5678" in summary
    assert "13812345678" not in summary
    reply = citizen.say("/affirm")
    number = re.search(r"SQ\d{14}", reply).group(0)
    # A number alone opens nothing: the phone's last four digits are asked for (issue 25).
    assert "后四位" in citizen.say(f"查一下{number}的进度")
    assert "当前状态" in citizen.say("5678")


def test_complaint_with_a_corrected_district_becomes_a_work_order(citizen):
    assert "噪音扰民" in citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    assert "哪个区" in citizen.say("对")
    assert "位置" in citizen.say("静安区")
    citizen.say("不对，是徐汇区")
    assert citizen.slot("district") == "徐汇区"
    citizen.say("漕溪北路1200号")
    citizen.say("每天晚上十点以后")
    reply = citizen.say("匿名")
    assert re.search(r"GD\d{14}", reply) and "生态环境局" in reply


def test_how_often_it_happens_answers_when_it_happened(citizen):
    """The model reads "每天都这样" as small talk; at this question it is the answer."""
    citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    citizen.say("对")
    citizen.say("静安区")
    assert "什么时候" in citizen.say("共和新路1500号")
    assert "手机号码" in citizen.say("每天都这样")
    assert citizen.slot("occurred_at") == "每天都这样"


def _file_anonymously(stack) -> tuple[str, str]:
    """A noise complaint filed without a phone: its number and its query code."""
    filer = Citizen(stack)
    filer.say("楼上每天半夜装修，电钻声吵得人睡不着")
    filer.say("对")
    filer.say("静安区")
    filer.say("共和新路1500号")
    filer.say("每天晚上十点以后")
    reply = filer.say("匿名")
    number = re.search(r"GD\d{14}", reply).group(0)
    return number, re.search(r"查询码：(\d{8})", reply).group(1)


def test_an_anonymous_complaint_is_read_back_with_its_query_code_only(stack):
    """Issue 25: the number alone, or with wrong digits, opens nothing in chat."""
    number, code = _file_anonymously(stack)
    stranger = Citizen(stack)
    assert "后四位" in stranger.say(f"查一下{number}的进度")
    refused = stranger.say("5678")
    assert "没有查到" in refused and "当前状态" not in refused
    owner = Citizen(stack)
    assert "后四位" in owner.say(f"查一下{number}的进度")
    assert "当前状态" in owner.say(f"查询码{code}")


def test_a_tracking_number_sent_on_its_own_opens_the_progress_check(stack):
    """Pasted first, or given when asked for: either way the number is looked up."""
    number, code = _file_anonymously(stack)
    pasted = Citizen(stack)
    assert "后四位" in pasted.say(number)
    assert "当前状态" in pasted.say(code)
    asked = Citizen(stack)
    assert "受理编号" in asked.say("我想查一下工单进度")
    assert "后四位" in asked.say(f"我的工单号是{number}")
    assert "当前状态" in asked.say(f"查询码{code}")


def test_a_lost_query_code_is_explained_not_asked_for_again(stack):
    number, _ = _file_anonymously(stack)
    citizen = Citizen(stack)
    assert "后四位" in citizen.say(number)
    reply = citizen.say("查询码忘了")
    assert "只在登记成功的回复里显示一次" in reply and "受理编号在" not in reply
    assert citizen.slot("requested_slot") is None
    # Said at once, outside the check, in either language: the same answer.
    assert "只在登记成功的回复里显示一次" in Citizen(stack).say("我的查询码找不到了")
    assert "shown only once" in Citizen(stack, lang="en").say("I lost my query code")


def test_going_on_without_confirming_the_category_is_not_asked_it_again(citizen):
    assert "对吗" in citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    reply = citizen.say("静安区")
    assert "对吗" not in reply and "位置" in reply
    assert citizen.slot("category") == "noise"


def test_a_category_typed_instead_of_tapped_moves_the_complaint_on(citizen):
    assert "噪音扰民" in citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    assert "哪个区" in citizen.say("噪音")
    assert citizen.slot("category") == "noise"


def test_asking_to_apply_again_at_the_name_prompt_asks_for_the_name_again(citizen):
    citizen.say("我要在线申请居住证")
    assert "姓名" in citizen.say("同意")
    assert "姓名" in citizen.say("我要申请")
    assert citizen.slot("applicant_name") is None
    assert "身份证" in citizen.say("王秀英")


def test_a_yes_at_the_name_prompt_is_not_taken_for_a_name(citizen):
    citizen.say("我要在线申请居住证")
    assert "姓名" in citizen.say("同意")
    assert "姓名" in citizen.say("是的")
    assert citizen.slot("applicant_name") is None


def test_asking_for_a_person_inside_a_form_hands_over_without_asking_what_else(
    citizen,
):
    citizen.say("我要申请护照")
    citizen.say("同意")
    citizen.say("张伟")
    reply = citizen.say("转人工")
    assert "没有提交" in reply and "转接人工" in reply
    assert "还有其他需要帮忙" not in reply
    assert citizen.slot("applicant_name") is None


def test_district_buttons_carry_their_payload_without_an_error_logged(citizen, stack):
    citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    citizen.say("对")
    payload = '/inform{"district": "徐汇区"}'
    assert payload in [b["payload"] for b in citizen.buttons()]
    citizen.say(payload)
    assert citizen.slot("district") == "徐汇区"
    log = (stack.logs / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "interpolator" not in log


def test_a_complaint_at_the_name_prompt_is_taken_first(citizen):
    citizen.say("我要在线申请居住证")
    assert "姓名" in citizen.say("同意")
    reply = citizen.say("楼上每天半夜装修，电钻声吵得人睡不着")
    assert "申请先不办了" in reply and "噪音扰民" in reply
    assert citizen.slot("complaint_text") == "楼上每天半夜装修，电钻声吵得人睡不着"


def test_a_complaint_later_in_an_application_drops_the_details_given(citizen):
    citizen.say("我要申请护照")
    citizen.say("同意")
    assert "身份证" in citizen.say("张伟")
    assert "申请先不办了" in citizen.say("小区门口的路灯坏了一个多月，晚上很黑")
    assert citizen.slot("applicant_name") is None
    assert citizen.slot("requested_slot") is not None


def test_a_citizen_asked_for_a_tracking_number_can_report_the_problem_instead(
    citizen,
):
    # Whether or not the NLU took it for a progress check, the problem is not lost.
    told = "我没有编号，我是要反映楼下酒吧每天半夜放音乐，吵得睡不着"
    citizen.say("我要查工单进度")
    reply = citizen.say(told)
    # Offered as the number is asked for again, or as the NLU's fallback offers it.
    if "/file_complaint" in [b["payload"] for b in citizen.buttons()]:
        reply = citizen.say("/file_complaint")
    assert "噪音扰民" in reply
    assert citizen.slot("complaint_text") == told
    assert citizen.slot("tracking_number") is None


@pytest.mark.parametrize("opening", ["/give_feedback", "/request_callback"])
def test_a_complaint_told_instead_of_a_rating_or_a_phone_is_not_asked_again(
    citizen, opening
):
    told = "楼下烧烤店的油烟天天往我家窗户里灌，衣服都不敢晾"
    citizen.say(opening)
    reply = citizen.say(told)
    assert "请您具体描述" not in reply
    assert citizen.slot("complaint_text") == told


def test_no_more_questions_after_thanks_leads_to_the_rating(citizen):
    assert "还有什么可以帮您" in citizen.say("谢谢")
    assert "请您对本次服务打分" in citizen.say("没有了")


def test_a_score_typed_after_the_rating_question_is_recorded(citizen):
    citizen.say("谢谢")
    assert "请您对本次服务打分" in citizen.say("没有了")
    # Thanked, not asked again: the score was taken and recorded.
    reply = citizen.say("4")
    assert "感谢您的评价" in reply and "打分" not in reply


def test_a_citizen_who_lost_the_number_is_told_where_it_is_not_asked_again(citizen):
    assert "受理编号" in citizen.say("我想查一下我的工单")
    # However the NLU reads a bare "I forgot" (here often as cancel), it is not taken
    # for giving up, nor answered that the assistant cannot help.
    reply = citizen.say("不记得了")
    assert "往上翻看" in reply and "手机号码为您查询" in reply
    assert "已为您取消" not in reply and "暂时回答不了" not in reply
    assert citizen.slot("requested_slot") is None
    assert "转人工" in [button["title"] for button in citizen.buttons()]
    # Said at once, with or without the form: the same answer, and no emergency.
    reply = citizen.say("受理编号找不着了，还能查进度吗")
    assert "往上翻看" in reply and "110" not in reply


def test_asking_for_a_person_at_the_number_question_leaves_the_progress_check(
    citizen,
):
    citizen.say("我想查一下我的工单")
    reply = citizen.say("转人工")
    assert "受理编号" not in reply and "信息没有提交" not in reply
    assert citizen.slot("requested_slot") is None


def test_a_lost_number_told_in_english_gets_the_same_way_round(stack):
    citizen = Citizen(stack, lang="en")
    assert "tracking number" in citizen.say(
        "I want to check the progress of my complaint"
    )
    reply = citizen.say("I lost my reference number")
    assert "scroll up" in reply and "mobile number you gave" in reply


def test_praise_naming_nobody_is_asked_about_then_passed_on_not_filed(citizen):
    asked = citizen.say("我想表扬一下")
    assert "要表扬的单位或工作人员" in asked and "投诉" not in asked
    assert citizen.slot("requested_slot") == "praise_text"
    told = citizen.say("普陀区人社局的窗口工作人员，帮我把失业金的手续一次办好了")
    assert re.search(r"已登记为表扬件（编号：GD\d{14}）", told), told
    assert "普陀区人力资源和社会保障局" in told and "不再另行回访" in told
    assert citizen.slot("requested_slot") is None
    assert citizen.slot("complaint_text") is None


def test_praise_told_at_once_goes_to_the_unit_it_names_in_english_too(stack):
    told = Citizen(stack).say(
        "给徐汇区市场监管局的执法人员点个赞，过期食品的事处理得很及时"
    )
    assert "转达徐汇区市场监督管理局" in told
    english = Citizen(stack, lang="en").say(
        "I'd like to compliment the nurses at Minhang District's community health "
        "centre, they were so patient with my father"
    )
    assert "passed on to the district office of the" in english
    assert "(闵行区卫生健康委员会)" in english


def test_one_more_question_after_thanks_is_invited_not_refused(citizen):
    citizen.say("谢谢")
    reply = citizen.say("有的")
    assert "请讲" in reply and "暂时回答不了" not in reply


def test_a_citizen_unsure_of_the_district_or_without_a_number_is_asked_again(citizen):
    reply = citizen.say("楼下饭店每天晚上油烟直往我家里灌，窗都不敢开")
    if "对吗" in reply:
        reply = citizen.say("对")
    assert "哪个区" in reply
    unsure = citizen.say("我也不清楚是哪个区")
    assert "路名" in unsure and "哪项业务" not in unsure
    reply = citizen.say("好像是徐汇那边")
    if "具体在什么位置" in reply:
        reply = citizen.say("桂平路上那家川菜馆")
    assert "什么时候" in reply
    assert "手机号码" in citizen.say("每天晚上六点以后")
    assert "没有识别到手机号码" in citizen.say("就是楼下那家饭店")
    # Declining the number, however the NLU reads it, files the complaint anonymously.
    filed = citizen.say("不留了")
    assert "工单编号" in filed and "查询码" in filed


def test_an_earlier_report_button_pressed_inside_the_complaint_form_asks_again(
    citizen,
):
    """The widget keeps earlier messages' buttons: 我要反映问题 pressed mid-form is no
    answer, neither the fallback nor an address or a time."""
    reply = citizen.say("楼下饭店每天晚上油烟直往我家里灌，窗都不敢开")
    if "对吗" in reply:
        reply = citizen.say("对")
    asked = "哪个区"
    assert asked in reply
    for answer, question in (
        ("徐汇区", "具体在什么位置"),
        ("田林路200弄", "什么时候"),
        ("每天晚上十一点以后", "手机号码"),
    ):
        assert asked in citizen.say("/file_complaint")
        assert question in citizen.say(answer)
        asked = question
    assert "手机号码" in citizen.say("/file_complaint")
    assert citizen.slot("address") == "田林路200弄"
    assert citizen.slot("occurred_at") == "每天晚上十一点"
    assert citizen.slot("contact") is None


def test_an_application_asks_again_for_numbers_said_before_it_started(citizen):
    """Issue 25: a friend's ID and phone said earlier are not the applicant's."""
    citizen.say("我朋友身份证号310104199001011233，手机13812345678，他的居住证怎么办")
    assert "是否同意" in citizen.say("我要在线申请居住证")
    assert citizen.slot("id_number") is None and citizen.slot("phone") is None
    citizen.say("同意")
    assert "身份证" in citizen.say("张伟")
    assert "手机" in citizen.say("310104199001011233")


def test_refusing_consent_asks_for_nothing_personal(citizen):
    assert "是否同意" in citizen.say("我要申请护照")
    reply = citizen.say("不同意")
    assert "未经您同意" in reply and "姓名" not in reply
    assert citizen.slot("requested_slot") is None


def test_cancelling_a_form_submits_nothing(citizen):
    citizen.say("我要申请护照")
    assert "已为您取消" in citizen.say("算了，不办了")
    assert citizen.slot("requested_slot") is None


def test_handoff_in_chinese_and_english(stack):
    assert "转接人工" in Citizen(stack).say("转人工")
    assert "hotline agent" in Citizen(stack).say("I want to talk to a real person")


def test_feedback_in_chinese_and_english(stack):
    assert "感谢您的评价" in Citizen(stack).say("给你打5分，服务很好")
    assert "Thank you for your rating" in Citizen(stack).say("five stars, very helpful")


def test_asking_to_rate_is_asked_for_the_score_not_recorded_as_one_star(citizen):
    asked = citizen.say("我要评价一下")
    assert "打分" in asked and "感谢您的评价" not in asked
    assert "感谢您的评价" in citizen.say("4分")


def test_english_guidance_is_answered_in_english(stack):
    reply = Citizen(stack).say("How do I apply for a passport?")
    assert "passport" in reply.lower() and not re.search(
        r"[\u4e00-\u9fff]{6,}", reply.split("Source:")[0]
    )


def test_an_english_complaint_is_filed_in_english_under_its_category(stack):
    citizen = Citizen(stack, lang="en")
    asked = citizen.say(
        "The dogs next door bark all night and the owner lets them run around "
        "the compound without a leash"
    )
    assert '"Animal control"' in asked
    assert "district" in citizen.say("Yes")
    assert "Where exactly" in citizen.say("Xuhui")
    assert "When did it happen" in citizen.say("Lane 200 Tianlin Road")
    # A time said the way the question's own example says it is an answer.
    assert "mobile number" in citizen.say("every night")
    filed = citizen.say("anonymous")
    assert re.search(r"work order GD\d{14} \(Animal control\)", filed), filed
    # Chinese only as a unit's own name, in brackets after its English.
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"\([^)]*\)", "", filed))


def test_the_report_button_asks_what_happened_before_naming_a_category(stack):
    citizen = Citizen(stack, lang="en")
    assert "Please describe the problem" in citizen.say("/file_complaint")
    asked = citizen.say("The bar downstairs plays loud music until 3am every night")
    assert '"Noise nuisance"' in asked


def test_a_problem_told_without_the_word_complaint_is_taken_down(stack):
    citizen = Citizen(stack, lang="en")
    reply = citizen.say(
        "my landlord changed the locks while I was away and kept my things inside"
    )
    # Recognised at once, or offered to be reported when the NLU is unsure: either
    # way the citizen's own words become the complaint.
    if {"title": "Report this problem", "payload": "/file_complaint"} in (
        citizen.buttons()
    ):
        reply = citizen.say("/file_complaint")
    assert '"Overcrowded rentals and housing leases"' in reply
    assert "landlord changed the locks" in citizen.slot("complaint_text")


def test_gibberish_gets_the_fallback_not_silence(citizen):
    assert citizen.say("qwzx blorp 嗯嗯啊啊") != ""


def test_uncatalogued_licence_gets_the_honest_answer_not_a_neighbours_guide(citizen):
    reply = citizen.say("烟草专卖零售许可证怎么办理")
    assert "暂未收录“烟草专卖零售许可证”" in reply
    assert "食品经营许可办理流程" not in reply
    assert {"title": "转人工", "payload": "/request_human"} in citizen.buttons()
    assert citizen.slot("service") is None


def test_a_subject_named_without_a_service_word_is_told_no_guide_has_it(citizen):
    """报备 is no service's word, so coverage cannot name the missing service; that no
    guide holds 无人机 or 飞行 still tells an honest "no guide" from "which one?"."""
    reply = citizen.say("无人机飞行怎么报备")
    assert "没有找到与您的问题对应的办事指南" in reply and "哪项业务" not in reply
    assert {"title": "转人工", "payload": "/request_human"} in citizen.buttons()


def test_a_new_uncatalogued_topic_drops_the_passport(stack):
    citizen = Citizen(stack, lang="en")
    citizen.say("How do I get a passport?")
    assert citizen.slot("service") == "passport"
    reply = citizen.say("How do I apply for a Japanese visa?")
    assert "do not cover" in reply and "Ordinary passport" not in reply
    assert citizen.slot("service") is None


def test_out_of_scope_leads_to_a_callback_work_order(citizen):
    reply = citizen.say("火车票怎么退")
    assert "不在12345热线智能助手的服务范围内" in reply
    payloads = [b["payload"] for b in citizen.buttons()]
    assert payloads == ["/request_human", "/request_callback"]
    assert "请留下您的手机号码" in citizen.say("/request_callback")
    assert "格式不对" in citizen.say("12345")
    filed = citizen.say("13912345678")
    assert re.search(r"回电请求已登记，工单编号：GD\d{14}", filed), filed


def _report_light(citizen: Citizen, text: str, address: str, phone: str) -> str:
    citizen.say(text)
    citizen.say("对")
    citizen.say("普陀区")
    citizen.say(address)
    citizen.say("这几天晚上")
    return citizen.say(phone)


def test_a_neighbour_reporting_the_same_light_is_joined_and_may_insist(stack):
    """Issue 28: one event, one case, while the citizen is still talking."""
    first = _report_light(
        Citizen(stack),
        "真北路金沙江路路口的路灯坏了，晚上一片漆黑，过马路很危险",
        "真北路金沙江路路口",
        "13812345678",
    )
    opened = re.search(r"GD\d{14}", first).group(0)
    neighbour = Citizen(stack)
    joined = _report_light(
        neighbour,
        "金沙江路真北路交叉口那盏路灯好几天不亮了，晚上走路看不见",
        "金沙江路真北路口",
        "13912345678",
    )
    assert f"已有市民反映（工单号{opened}）" in joined, joined
    own = re.search(r"工单编号：(GD\d{14})", joined).group(1)
    assert own != opened
    assert {"title": "仍要单独立案", "payload": "/file_separately"} in [
        {"title": b["title"], "payload": b["payload"]} for b in neighbour.buttons()
    ]
    separated = neighbour.say("我反映的不是同一个问题，请单独立案")
    assert f"已为您单独立案，工单编号：{own}" in separated, separated
    assert "无需单独立案" in neighbour.say("/file_separately")
