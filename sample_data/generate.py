#!/usr/bin/env python3
"""生成 xinfang 的示例台账数据（sample data generator for the xinfang case ledger）.

Writes, next to this script:

* ``cases.csv`` -- a two-year ledger of a university petition office (cases received in 2024
  and 2025, every date on or before 2025-12-31) in the case-file format of
  docs/casefile.md plus the column 转办渠道 (``referral``): UTF-8 with BOM, sorted by
  信访日期 then 编号, values as a clerk writes them (Chinese labels, ``YYYY-MM-DD`` dates,
  是/否, lists joined with ``、``).
* ``cases_small_gb18030.csv`` -- its first 30 rows, GB18030 without BOM (what Excel on a
  Chinese Windows writes).

What this script owns: the story of the two years.  The word pools and matter templates that
make the rows read like a real office's ledger; the quotas per category; the scripted cases
(the seed's 实验室开放时间 / 自习室座位 topic, 职称评聘, frequent petitioners, collective and
bypass petitions, aids, rejections with referral, accusations); the random draws that give
every case its dates, departments, outcome and rating; and the target figures (``EXPECT``,
``problems``).  Those follow the office's 2025 year-end summary and ``README.md``:
327 cases (2024: 402, −18.7%), 22 repeats (−29.0%), no bypass petitions, one-time closing
rate 92.3%, satisfaction 95.7%, groups ≈ 31/28/22/19%, 120,000 yuan of family-emergency aid,
two 依法处理 cases, the 实验室开放时间 / 自习室座位 topic falling after the first half of 2025;
as of 2025-12-31 every 2024 case is finished, December's latest cases are open and five
October cases are overdue.

What it takes from the package, so nothing here can drift from it: the taxonomy (categories,
groups, lead departments, labels, limits, sensitive words: ``xinfang_cli.taxonomy``), the
working calendar and due dates (``xinfang_cli.deadlines``), the ID check character and the
phone / ID rules (``xinfang_cli.privacy``), the rounding of a percentage
(``xinfang_cli.reports.pct``) and the case-file columns (``xinfang_cli.records``).  It neither
checks its rows nor computes its figures itself: it writes both files to a temporary
directory, imports them through the real CLI into a temporary ledger (a refused row stops the
run with the importer's list of bad rows), reads ``report annual``, ``report monthly`` and
``list`` as JSON, and moves the files into place only when every target figure matches.  Then
it prints the per-year figures from the report.

Everything is derived from ``random.Random(20251231)``: the output is identical on every run.

Usage::

    make sample-data        # .venv/bin/python sample_data/generate.py
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

from typer.testing import CliRunner

from xinfang_cli import deadlines
from xinfang_cli.casefile import CASE_COLUMNS
from xinfang_cli.cli.main import app
from xinfang_cli.figures import change_pct, pct
from xinfang_cli.privacy import id_check_char, validate_id_number, validate_phone
from xinfang_cli.taxonomy import Category, default_taxonomy

SEED = 20251231
rng = Random(SEED)
HERE = Path(__file__).resolve().parent
OUT_MAIN, OUT_SMALL, SMALL_ROWS = HERE / "cases.csv", HERE / "cases_small_gb18030.csv", 30
AS_OF = date(2025, 12, 31)
YEARS = (2024, 2025)
DAY = timedelta(days=1)

TAX = default_taxonomy()
LABEL = TAX.enums  # "channels" | "identities" | "natures" | "outcomes" | "ratings" → {key: 中文}
CALENDAR = deadlines.DEFAULT_CALENDAR
COLLECTIVE = TAX.collective_threshold


def D(s: str) -> date:
    return date.fromisoformat(s)


def due(start: date, days: int, cat: str) -> date:
    """When a limit of `days` counted from `start` falls due, as the ledger counts it."""
    mode = TAX.categories[cat].day_mode
    return deadlines.due_date(start, days, mode=mode, roll_over=TAX.roll_over, calendar=CALENDAR)


# The clerk acts (accepts, closes, extends, rejects) on working days.
def next_wd(d: date) -> date:
    while not CALENDAR.is_workday(d):
        d += DAY
    return d


def prev_wd(d: date) -> date:
    while not CALENDAR.is_workday(d):
        d -= DAY
    return d


def wd_between(a: date, b: date) -> list[date]:
    """Working days in [a, b]."""
    days = (a + timedelta(days=i) for i in range((b - a).days + 1))
    return [d for d in days if CALENDAR.is_workday(d)]


# --------------------------------------------------------------------------------------
# Word pools (fictitious people: mobile numbers look like 13900001234)
# --------------------------------------------------------------------------------------
# fmt: off
SURNAMES = "".join(s * n for s, n in zip("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗", (8, 8, 7, 6, 6, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2), strict=True)) + (
    "高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
    "付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_M = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰振晨睿哲博文轩然泽楠毅川"
GIVEN_F = "芳娜敏静丽艳娟霞秀玲丹萍婷雪琳颖倩悦欣佳怡涵萱雨梦思瑶琪彤露璐蕾洁莉晶慧嘉妍"
COLLEGES = ["计算机学院", "外国语学院", "机械工程学院", "材料科学与工程学院", "经济管理学院", "土木工程学院", "电气工程学院", "化学化工学院", "新闻传播学院", "数学学院", "物理学院", "生命科学学院", "马克思主义学院", "艺术学院", "法学院", "体育学院"]
ADMIN_UNITS = ["后勤处", "图书馆", "教务处", "资产处", "财务处", "学生工作部", "保卫处", "网络信息中心"]
AREAS = ["510104", "510105", "510106", "510107", "510108", "510112", "510122", "510681", "511302", "510703", "500103", "500112", "530102", "520102", "610113", "420106", "130102", "370102"]
MOBILE_PREFIX = ["139", "138", "137", "136", "135", "159", "158", "150", "151", "186", "187", "188", "189", "177", "180", "181", "131", "133", "153", "199", "166", "173", "191", "182"]
SLOTS = {  # the {placeholders} of the templates; drawn in this order for every case
    "b": ["学府苑3栋", "学府苑7栋", "东区12栋", "西区5栋", "南苑2栋", "研究生公寓A座", "研究生公寓C座", "北区9栋"],
    "can": ["第一食堂", "第二食堂", "第三食堂", "清真食堂", "东区食堂", "风味餐厅"],
    "course": ["高等数学", "大学物理", "线性代数", "数据结构", "大学英语", "概率论与数理统计", "电路原理", "有机化学", "机械制图", "程序设计基础", "材料力学", "工程力学"],
    "tb": ["第一教学楼", "第三教学楼", "综合楼", "实验楼B区", "文科楼"],
    "road": ["南门至图书馆路段", "东区宿舍到食堂路段", "体育馆北侧道路", "家属区主干道", "西门停车场周边"],
    "lib": ["图书馆三楼", "图书馆五楼", "第二教学楼", "东区学习中心"],
    "sch": ["校级一等奖学金", "国家励志奖学金", "学业奖学金", "企业专项奖学金"],
    "dept": ["财务处", "教务处", "后勤处", "资产处", "人事处", "学生工作部"],
    "company": ["某科技公司", "某机械制造企业", "某设计院", "某连锁酒店", "某物流公司"],
}
LEADERS = ["王某某", "刘某某", "陈某某", "杨某某", "赵某某"]
APPROVERS = ["分管校领导王某某", "分管校领导刘某某", "分管校领导陈某某", "分管校领导杨某某"]
EXT_REASONS = ["涉及多个部门，需进一步调查核实", "需等待上级主管部门答复", "涉及历史遗留问题，需调取档案核查", "需提交学校专题会议研究", "需组织校外专家复评"]
# Per category: departments that may co-handle (协办), and that now and then lead instead of
# the taxonomy's lead department.
HELPERS = {
    "course": (["资产处", "图书馆", "网络信息中心"], ["图书馆", "资产处"]),
    "exam": (["网络信息中心", "学生工作部"], ["研究生院"]),
    "status": (["教务处", "学生工作部"], ["教务处"]),
    "dorm": (["学生工作部", "资产处"], ["学生工作部"]),
    "canteen": (["学生工作部", "财务处"], []),
    "facility": (["资产处", "基建处", "保卫处"], ["资产处", "基建处"]),
    "aid": (["财务处", "研究生院"], ["研究生院"]),
    "career": (["学生工作部", "研究生院"], ["学生工作部"]),
    "staff": (["工会", "财务处", "组织部"], ["工会", "离退休工作处"]),
    "ethics": (["组织部", "学生工作部"], ["党委办公室", "组织部"]),
    "admission": (["财务处", "教务处"], ["财务处"]),
    "safety": (["学生工作部", "后勤处", "网络信息中心"], ["学生工作部"]),
}
ONLINE = {"mailbox", "wechat", "app"}
# fmt: on


# --------------------------------------------------------------------------------------
# Matter templates: summary, content, nature, results if resolved ("|"-separated), the
# result if the demand was unreasonable (教育到位), the weight of that, lead department,
# identity and co-departments where the matter fixes them.
# --------------------------------------------------------------------------------------
@dataclass
class Tpl:
    s: str
    c: str
    nat: str = "claim"
    r: tuple[str, ...] = ()
    e: str | None = None
    ew: float = 1.0
    lead: str | None = None
    ident: str | None = None
    co: tuple[str, ...] = ()


def T(s, c, nat="claim", r="", e=None, ew=1.0, lead=None, ident=None, co=()) -> Tpl:
    return Tpl(s, c, nat, tuple(x for x in r.split("|") if x), e, ew, lead, ident, tuple(co))


# fmt: off
FILL: dict[str, list[Tpl]] = {  # the everyday matters of each category
    "course": [
        T("{course}课程调课频繁，影响正常学习", "本学期{course}已多次临时调课，通知不及时，部分同学因此缺课。", r="教务处已约谈任课教师，规范调课审批和通知流程，今后调课须提前三天通知并安排补课。", e="经核实，调课系任课教师参加学术会议，已按程序审批并安排补课，已向学生说明。", ew=1.5),
        T("选课系统高峰期卡顿，必修课没有选上", "选课开放当天系统多次无法登录，{course}等必修课名额已满，担心影响毕业。", r="网络信息中心已扩容选课服务器，教务处为未选上必修课的学生开放补选。", co=("网络信息中心",)),
        T("建议增开{course}课程的教学班", "{course}每个教学班一百多人，后排听不清、课堂效果差，建议增开教学班。", "suggestion", r="教务处下学期增开2个教学班，班额控制在60人以内。", e="受师资所限本学期无法增开，已向学生说明，下学期统筹安排。", ew=1.2),
        T("{course}教材版本陈旧，建议更换", "现用教材为十年前的版本，内容与行业发展脱节，建议选用新版教材。", "suggestion", r="学院已组织教材论证，下学期起更换新版教材。", ew=0.6),
        T("{tb}教室投影仪长期故障影响授课", "{tb}多间教室投影仪长期故障，老师只能板书，后排学生看不清。", r="资产处已更换投影设备，并安排专人每周巡检教室设备。", ew=0.2, co=("资产处",)),
        T("{course}任课教师授课敷衍，课堂质量不高", "任课教师上课照本宣科、经常提前下课，希望学院关注教学质量。", r="学院已开展随堂听课督导，任课教师已整改。", e="经督导组随堂听课，该课程教学基本规范，已向学生反馈并提醒教师改进教学方式。", ew=2.0),
        T("{tb}晚间教室开放时间短", "{tb}晚上九点半就清场关门，期末复习没有地方，建议延长教室开放时间。", "suggestion", r="后勤处已将{tb}晚间开放时间调整至22:30。", ew=0.5),
        T("体育选项课分班不合理", "体育选项课分班时未考虑学生志愿，被调剂到不感兴趣的项目，希望能调整课程。", r="体育学院已开放一次调整申请，满足多数学生的选课意愿。", e="选项课名额有限，系统按规则随机调剂，已向学生解释，下学期优先满足其志愿。", ew=1.5),
        T("实践课程安排与专业课时间冲突", "{course}实践课与专业必修课排在同一时段，只能二选一，请求调整排课。", r="教务处已调整实践课排课时间。", ew=0.4),
    ],
    "exam": [
        T("{course}期末成绩有异议，申请复核", "本人{course}期末成绩明显低于预期，怀疑存在漏登分，申请查卷复核。", r="教务处组织复核，发现一道大题漏计分，已更正成绩。", e="经复核，阅卷及登分无误，已向学生出示试卷并说明评分标准。", ew=3.0),
        T("期末考试安排过于集中", "本学期期末考试一天安排三门，复习时间严重不足，希望调整考试安排。", r="教务处已将其中一门考试调整至次周。", e="考试安排受考场和监考资源限制，无法调整，已向学生说明并开放考前答疑。", ew=2.0),
        T("补考时间与实习时间冲突", "本人在外地实习，{course}补考安排在实习期间，无法返校参加。", r="学院已为其办理缓考，安排在返校后参加补考。", ew=0.8),
        T("重修报名流程不明确，错过报名时间", "重修报名通知只在学院群里发过一次，本人错过了{course}的重修报名。", r="教务处为其补办重修报名，并在系统中增加报名提醒功能。", e="重修报名通知已多次发布，按规定不能补报，已告知下学期报名时间。", ew=2.0),
        T("四六级考试考场安排距离过远", "本校区学生被安排到另一校区考试，路上需一个多小时，建议就近安排考场。", "suggestion", r="教务处下次考试起按校区就近编排考场。", ew=0.8),
        T("监考教师执行考场纪律标准不一", "同一门考试不同考场对携带计算器的要求不一致，认为对考生不公平。", r="教务处已统一考务规定并组织监考培训。", e="经核实，相关考场执行的是该课程的统一要求，已向学生解释。", ew=1.5),
        T("平时成绩评定标准未提前公布", "{course}平时成绩占比很高，但评分标准到期末才公布，对成绩有异议。", r="学院已要求任课教师开课时公布考核方式，并对该课程平时成绩进行复核。", ew=1.5),
        T("绩点计算办法调整影响保研排名", "学校调整绩点计算办法后本人排名下降，认为新办法不应适用于本届学生。", r="教务处对过渡期学生按新旧办法就高计算。", e="绩点计算办法按学校文件执行，过渡期安排已公示，已向学生详细解释。", ew=3.0),
    ],
    "status": [
        T("申请休学审批时间过长", "因病申请休学，材料提交已三周仍未审批，无法办理后续手续。", r="已加快审批，三个工作日内办结休学手续。", ew=0.5, lead="教务处"),
        T("转专业考核标准不透明", "转专业考核的面试评分标准没有公开，本人笔试第一却未被录取。", r="学院已公开面试评分细则。", e="转专业实施办法已公开，考核按程序进行，已向学生出示评分记录并解释。", ew=3.0, lead="教务处"),
        T("学位论文盲审结果有异议", "本人学位论文盲审一位专家意见为不同意答辩，认为评审意见与论文内容不符。", r="研究生院同意送第三位专家复评，复评通过，已安排答辩。", e="盲审程序符合规定，已向学生说明修改要求和下次送审时间。", ew=2.0),
        T("导师长期不指导论文，申请更换导师", "导师长期在外，半年未对论文进行指导，申请更换导师。", r="学院已同意更换导师，并安排新导师对接论文工作。", ew=0.6),
        T("毕业证书姓名有误需更正", "领取的毕业证书上姓名用字错误，多次到学院询问未果。", r="教务处已重新制作毕业证书并寄送本人。", ew=0.1, lead="教务处"),
        T("答辩时间安排与学生实习冲突", "论文答辩时间临时提前，本人在外地实习无法按时返校。", r="学院为其安排了第二批次答辩。", ew=0.5),
        T("延期毕业学生学籍注册和住宿问题", "延期毕业后学籍注册和住宿安排没有人负责，多个部门互相推脱。", r="研究生院牵头办理学籍注册，后勤处安排住宿。", ew=0.6),
        T("学位授予标准中论文发表要求过高", "学院学位授予标准要求发表两篇论文，远高于其他学院，建议调整。", "suggestion", r="学院已修订学位授予标准。", e="学位授予标准经学位评定委员会审议通过，已向学生解释依据。", ew=3.0),
    ],
    "dorm": [
        T("宿舍{r}水龙头漏水多日未修", "{b}{r}宿舍卫生间水龙头漏水一周，已在报修平台报修两次，仍无人处理。", r="后勤处已安排维修人员更换水龙头，并对报修平台超时工单进行督办。", ew=0.1),
        T("{b}热水供应不稳定", "{b}晚上十点以后经常没有热水，冬天洗澡很不方便。", r="后勤处已检修热水机组，并将热水供应时间延长至23:30。", ew=0.3),
        T("{b}{r}宿舍空调制冷效果差", "{b}{r}宿舍空调开了几个小时室温仍在三十度以上，多次报修未解决。", r="后勤处已为该宿舍更换空调压缩机。", ew=0.2),
        T("宿舍楼频繁跳闸断电", "{b}近一周多次跳闸断电，影响学习和生活。", r="后勤处已对宿舍楼线路进行改造扩容。", ew=0.2),
        T("宿舍调换申请迟迟未批", "因作息差异与舍友矛盾较大，申请调换宿舍一个月仍无答复。", r="学生工作部已为其办理宿舍调换手续。", e="目前床位紧张暂无法调换，已登记排队，辅导员已做好舍友间的沟通。", ew=2.0, lead="学生工作部"),
        T("新生宿舍床位不足，被安排临时住宿", "开学一个月仍住在临时宿舍，和其他专业的学生混住，生活不便。", r="后勤处已为其调整正式床位。", ew=0.5),
        T("{b}卫生间下水道堵塞", "{b}{r}宿舍卫生间下水道堵塞，污水倒灌，报修后维修人员一直没来。", r="后勤处已疏通下水管道并更换地漏。", ew=0.1),
        T("建议宿舍楼增设洗衣机和烘干机", "{b}只有两台洗衣机，经常排队，建议增设洗衣机和烘干机。", "suggestion", r="后勤处已在{b}一楼增设洗衣机和烘干机各4台。", ew=0.4),
        T("宿舍维修响应慢，建议公布维修时限", "宿舍报修后平均要等一周以上，建议公布宿舍维修时限并接受监督。", "suggestion", r="后勤处已公布宿舍维修时限，小修24小时内到场。", ew=0.5),
    ],
    "canteen": [
        T("{can}饭菜价格上涨过快", "{can}多个菜品近期涨价一到两元，分量却变少了。", r="后勤处约谈承包商，恢复部分菜品价格并增设平价菜窗口。", e="经核算，调价系原材料成本上涨，已公示成本构成并保留平价菜窗口。", ew=2.0),
        T("{can}饭菜中发现异物", "在{can}二楼窗口打的饭菜中吃出头发，向窗口反映后对方态度敷衍。", r="后勤处对该窗口处罚整改，并加强后厨卫生检查。", ew=0.3),
        T("{can}就餐高峰排队时间过长", "中午下课后{can}排队要二十多分钟，建议增开窗口。", "suggestion", r="后勤处已在{can}增开4个打饭窗口。", ew=0.5),
        T("食堂营业时间短，晚上没有夜宵", "晚上九点以后食堂全部关门，上晚自习的同学没有地方吃饭，建议开设夜宵。", "suggestion", r="{can}已开设夜宵窗口，营业至23:00。", ew=0.6),
        T("饭卡充值后余额异常", "通过手机给饭卡充值后余额没有增加，多扣了钱，找食堂和网络中心都说不归自己管。", r="网络信息中心已修复充值接口并退还多扣金额。", ew=0.2, co=("网络信息中心",)),
        T("{can}餐桌卫生状况差", "{can}餐桌油污清理不及时，餐具消毒不到位。", r="后勤处已督促整改，增加保洁人员。", ew=0.3),
        T("建议食堂增加素食和轻食窗口", "食堂菜品油腻，建议增加素食和轻食窗口。", "suggestion", r="后勤处已在{can}开设轻食窗口。", e="已转承包商研究，暂不具备条件，已向学生说明。"),
        T("{can}饭菜质量下降、菜品单一", "{can}近期饭菜质量下降，菜品长期不更新。", r="后勤处约谈承包商，每周更新菜谱并开展满意度测评。"),
    ],
    "facility": [
        T("{road}路灯损坏，夜间出行不便", "{road}多盏路灯损坏一个多月未修，晚上一片漆黑。", r="后勤处已更换路灯12盏。", ew=0.2),
        T("校园停车位不足，车辆乱停乱放", "教职工停车位严重不足，车辆乱停乱放堵塞道路。", r="后勤处会同保卫处新增停车位并规范停车管理。", e="受校园空间所限短期内无法新增车位，已说明停车规划。", ew=1.5, lead="保卫处"),
        T("{tb}电梯经常故障", "{tb}电梯一个月坏了三次，有师生被困。", r="资产处已联系厂家对电梯进行大修并加强维保。", ew=0.2, lead="资产处"),
        T("快递取件点拥挤、设施简陋", "快递取件点空间狭小，取件排长队，雨天没有遮挡设施。", "suggestion", r="后勤处已扩建快递服务点并加装雨棚。", ew=0.6),
        T("校车班次少，往返校区不便", "往返两个校区的校车早高峰只有两班，经常坐不上。", "suggestion", r="后勤处已在高峰时段增开校车班次。", e="校车运力有限，已调整发车时间并说明情况。"),
        T("{road}路面破损积水", "{road}路面破损，下雨后大面积积水，行走困难。", r="基建处已完成路面修补和排水改造。", ew=0.3, lead="基建处"),
        T("校园网晚间网速慢、经常掉线", "宿舍区校园网晚上八点以后网速很慢，经常掉线，影响上网课和查资料。", r="网络信息中心已完成宿舍区网络设施扩容。", ew=0.5, lead="网络信息中心"),
        T("垃圾清运不及时，异味大", "{b}旁的垃圾站垃圾清运不及时，夏天异味很大。", r="后勤处已调整垃圾清运频次为每日两次。", ew=0.2),
        T("校园绿化施工噪音影响上课", "{tb}旁边绿化施工白天噪音很大，影响正常上课。", r="后勤处已要求施工方避开上课时段作业。", ew=0.5),
    ],
    "aid": [
        T("奖学金评定结果有异议", "本人综合测评排名靠前，但未获评{sch}，认为评定过程不公开。", r="学院重新核查综合测评成绩，更正计分错误，补评{sch}。", e="经复核，评定程序和计分无误，已公开评分细则并向学生说明。", ew=3.0),
        T("助学金认定标准不明确", "家庭经济困难认定只看材料不做走访，认为认定结果不能反映真实情况。", r="学生工作部已完善认定办法，增加民主评议和家访环节。", e="认定工作按学校办法执行，已向学生解释认定程序。", ew=2.0),
        T("国家助学金发放延迟", "本学期国家助学金至今未到账，影响生活。", r="财务处已完成发放，并公布发放时间表。", ew=0.2, co=("财务处",)),
        T("勤工助学岗位报酬发放不及时", "在图书馆勤工助学两个月，报酬一直没有发放。", r="学生工作部已会同财务处补发报酬。", ew=0.2, co=("财务处",)),
        T("评优评先名额分配不合理", "学院评优评先名额向学生干部倾斜，普通学生几乎没有机会。", r="学院已调整名额分配办法。", e="名额分配按学校文件执行，已向学生解释。", ew=2.5),
        T("困难认定公示泄露个人隐私", "家庭经济困难学生认定结果公示了家庭详细情况，认为侵犯个人隐私。", r="学生工作部已撤下相关公示，要求各学院仅公示必要信息。", ew=0.3),
        T("生源地助学贷款续贷手续办理困难", "办理生源地助学贷款续贷需要学校盖章，跑了几次都没有找到负责老师。", r="学生工作部已公布资助中心办公时间和联系人，当场为其办理。", ew=0.3),
        T("研究生学业奖学金评审细则调整未提前告知", "学业奖学金评审细则年中调整，科研成果认定口径变化未提前通知。", r="研究生院对本年度评审按新旧细则就高认定。", e="细则按程序修订并已公示，已向学生解释。", ew=2.5, lead="研究生院"),
    ],
    "career": [
        T("实习单位与所学专业不对口", "学院安排的实习单位工作内容与专业无关，主要是打杂。", r="学院已为其调整实习单位。", e="实习单位经学院审核，岗位与培养方案相符，已向学生解释。", ew=1.5),
        T("实习期间安全保障不到位", "在{company}实习期间没有岗前安全培训，也没有购买意外保险。", r="招生就业处已督促实习单位补办保险、开展安全培训。", ew=0.3),
        T("三方协议办理流程繁琐", "办理三方协议需要跑四个部门盖章，建议简化流程。", "suggestion", r="招生就业处已实行三方协议网上办理。", ew=0.5),
        T("就业推荐信息发布不及时", "很多招聘信息到截止前一天才在就业网发布，建议及时推送。", "suggestion", r="招生就业处已开通就业推荐信息微信实时推送。", ew=0.5),
        T("毕业生档案转递出错影响入职", "档案被寄到错误地址，新单位无法办理入职手续。", r="招生就业处已追回档案并重新转递，并向用人单位出具说明。", ew=0.1),
        T("校园招聘会企业数量少、层次低", "今年校园招聘会来校企业明显减少，专业对口岗位很少。", "suggestion", r="招生就业处已增办两场专业专场招聘会。", e="已向学生说明就业形势和线上招聘渠道。"),
        T("毕业生派遣手续办理延误", "报到证迟迟没有办理，影响按时入职。", r="招生就业处已加急办理派遣手续。", ew=0.2),
        T("实习补贴未按协议发放", "实习协议约定的实习补贴三个月未发放，联系实习单位无果。", r="学院协调{company}补发实习补贴。", ew=0.5),
    ],
    "staff": [
        T("绩效工资分配方案不合理", "学院绩效工资分配方案向行政岗倾斜，一线教师意见较大。", r="学院重新修订绩效工资分配方案并提交教代会审议。", e="分配方案经学院党政联席会议审议通过，程序合规，已向教师解释。", ew=3.0),
        T("新进教师住房补贴发放延迟", "入职一年多，承诺的住房补贴至今未发放。", r="人事处会同财务处已补发住房补贴。", ew=0.3, co=("财务处",)),
        T("社保缴费基数核定有误", "本人社保缴费基数低于实际工资，影响今后待遇。", r="人事处会同财务处更正缴费基数并补缴。", ew=0.3, co=("财务处",)),
        T("年度考核结果有异议", "本人年度考核被评为基本合格，认为考核过程不公开。", r="学院重新组织考核评议，结果调整为合格。", e="考核程序符合规定，已当面反馈考核依据，告知申诉渠道。", ew=3.0),
        T("合同制职工薪酬长期未调整", "合同制职工工资多年未调整，与同岗位在编人员差距较大。", r="人事处已启动合同制人员薪酬调整。", e="薪酬按学校合同制人员管理办法执行，已解释调整计划。", ew=2.5),
        T("课时费标准偏低、发放不及时", "外聘教师课时费标准多年未调整，上学期课时费至今未发。", r="人事处会同教务处、财务处补发课时费，并启动标准修订。", co=("教务处", "财务处")),
        T("退休教师医疗费报销流程繁琐", "退休教师医疗费报销需要本人多次往返学校，年纪大了很不方便。", "suggestion", r="离退休工作处已开通医疗费代办报销服务。", ew=0.5, lead="离退休工作处", ident="retired"),
        T("聘期考核工作量要求过高", "新聘期考核的科研工作量要求比上个聘期翻倍，认为不合理。", r="人事处对过渡期教师按原标准考核。", e="聘期考核办法经教代会审议通过，已向教师解释。", ew=3.0),
    ],
    "ethics": [
        T("{dept}办事窗口工作人员态度生硬、作风不实", "到{dept}办事，工作人员态度生硬、推诿，材料一次说不清楚。", r="已对相关工作人员批评教育，{dept}开展作风整顿并公布办事指南。", ew=0.5, lead="党委办公室"),
        T("部门作风不实，推诿扯皮、事项久拖不办", "同一件事在两个部门之间来回跑了五六趟，谁都不愿意负责。", r="校长办公室已明确牵头部门并督办，事项已办结。", ew=0.5, lead="校长办公室"),
        T("{cl}辅导员工作作风简单粗暴", "辅导员处理学生请假问题时作风简单粗暴，多次当众批评学生。", r="学院已对辅导员进行谈话提醒，辅导员已向学生致歉。", e="经了解，辅导员系按规定处理，已提醒其注意工作方法并向学生解释。", ew=1.5, lead="学生工作部"),
        T("建议改进机关作风，公开各部门办事流程和时限", "很多事项不知道找哪个部门，建议统一公开办事流程和办理时限。", "suggestion", r="党委办公室已在门户网站公开各部门办事指南和时限。", ew=0.3, lead="党委办公室"),
        T("建议整治文山会海的作风问题，减轻基层负担", "学院各类会议、材料报送过多，教师疲于应付，建议精简。", "suggestion", r="党委办公室已出台精文简会措施。", ew=0.8, lead="党委办公室"),
    ],
    "admission": [
        T("对专升本录取结果有异议", "本人专升本考试成绩过线却未被录取，认为录取过程不透明。", r="已复核并补录。", e="录取按公布的招生章程和成绩排序进行，已向考生说明录取分数线。", ew=3.0, ident="student"),
        T("学费缴纳方式不便，建议开通线上缴费", "目前只能到财务处窗口缴纳学费，建议开通线上缴费。", "suggestion", r="财务处已开通线上缴费平台。", ew=0.3, lead="财务处"),
        T("住宿费退费迟迟未到账", "毕业离校时办理了住宿费退费，三个月过去了还没有到账。", r="财务处已完成退费。", ew=0.2, lead="财务处"),
        T("转学申请办理进度慢", "申请转学已两个月，学校一直没有给出答复。", r="教务处已完成审核并办理转学手续。", ew=0.5, lead="教务处"),
        T("对艺术类专业校考成绩有异议", "孩子艺术类专业校考成绩比模拟成绩低很多，要求复核。", r="经复核发现登分错误，已更正。", e="经复核，评分和登分无误，已向家长说明评分办法。", ew=3.0, ident="parent"),
        T("研究生招生复试流程不公开", "复试名单和成绩公布不及时，对复试结果有异议。", r="研究生院已补充公示复试成绩明细。", e="复试按招生简章执行，成绩已按规定公示，已向考生解释。", ew=2.5, lead="研究生院"),
        T("中途退学学费退费标准不明确", "孩子因病中途退学，学费退费标准不清楚，只退了很少一部分。", r="财务处按规定补退学费。", e="退费按省物价部门规定执行，已向家长解释。", ew=2.0, lead="财务处", ident="parent"),
        T("招生咨询电话长期无人接听", "招生咨询电话连续几天都打不通，建议增加咨询人手。", "suggestion", r="招生就业处已增开招生咨询热线。", ew=0.3, ident="parent"),
    ],
    "safety": [
        T("宿舍楼门禁系统故障，校外人员随意进出", "{b}门禁系统坏了一周，校外人员可以随意进出，存在安全隐患。", r="保卫处已修复门禁系统并加强宿舍楼值守。", ew=0.2),
        T("电动车在楼道充电存在消防隐患", "{b}楼道里电动车充电很普遍，存在消防隐患。", "suggestion", r="保卫处已增设集中充电桩并开展消防安全检查。", ew=0.3),
        T("自行车频繁被盗", "{b}楼下自行车一个月内被盗三辆，希望加强管理。", r="保卫处已增加监控点位并加强夜间巡逻。", ew=0.3),
        T("校外人员进校推销打扰学生", "经常有校外人员进宿舍楼推销，打扰学生休息。", r="保卫处已加强门岗管理，清理推销人员。", ew=0.2),
        T("建议加强防范电信诈骗宣传", "身边同学遭遇刷单兼职诈骗，建议学校加强防骗宣传。", "suggestion", r="保卫处已开展防诈骗专题宣传教育。", ew=0.3),
        T("校门口交通秩序混乱", "南门外上下学高峰期车辆乱停，学生过马路很危险。", "suggestion", r="保卫处已协调交警部门增设斑马线和交通指示。", ew=0.6),
        T("宿舍同学之间纠纷调解不力", "与舍友发生纠纷后向学院反映，学院调解时偏袒对方。", r="学生工作部重新组织调解，双方达成和解。", e="经了解，学院调解过程公正，已向学生解释并做好心理疏导。", ew=2.0, lead="学生工作部"),
        T("实验楼消防通道被杂物堵塞", "{tb}消防通道堆放废旧实验器材，存在安全隐患。", r="保卫处已督促清理并开展消防检查。", ew=0.2),
    ],
}
# the seed's topic (scripted only): 实验室开放时间 / 自习室座位
LAB_STUDY = [
    T("实验室开放时间不足，课后无法完成实验", "{cl}专业实验室只在上课时间开放，课程设计和竞赛准备没有场地，希望延长实验室开放时间。", "suggestion", r="教务处协调资产处延长{cl}实验室开放时间至晚上十点，周末预约开放。", lead="教务处"),
    T("建议延长实验室开放时间至晚上和周末", "毕业设计需要长时间使用仪器，建议延长实验室开放时间，周末也开放。", "suggestion", r="学院已实行实验室预约开放，晚上和周末均可使用。", co=("资产处",)),
    T("毕业设计期间实验室开放时间不够", "{cl}毕业设计集中在实验室进行，实验室开放时间太短，排不上机时。", r="学院已增加毕业设计期间实验室开放时段并新增开放实验室。", co=("资产处",)),
    T("公共自习室座位紧张，占座现象严重", "期末复习期间{lib}自习室座位一座难求，大量座位被书本占着却没人使用。", r="图书馆上线座位预约系统，清理占座物品并新增自习座位。", lead="图书馆"),
    T("考研学生自习室座位不足", "考研学生多，{lib}自习室座位远远不够，每天早上六点排队抢座。", r="学校为考研学生开辟专用自习室，新增自习座位。", lead="图书馆"),
    T("建议增加通宵自习室座位", "期末和考研期间通宵自习室座位太少，建议增加自习室座位并延长开放时间。", "suggestion", r="图书馆已增设通宵自习区，新增座位200个。", lead="图书馆", co=("后勤处",)),
]
# 职称评聘 (teachers' career; scripted only)
TITLE = [
    T("职称评聘材料审核标准不明确", "今年职称评审中，学院对成果材料的认定口径前后不一，本人部分成果未被认可。", r="人事处公布成果认定细则，对其材料重新审核。", e="材料认定按学校职称评审办法执行，已当面解释认定依据。"),
    T("跨学科成果在职称评审中不被认可", "本人从事交叉学科研究，成果在职称评审中被认为与本学科无关。", r="人事处增设跨学科成果认定程序，组织专家重新认定。", e="评审按学科组进行，已解释认定规则。"),
    T("对职称评聘结果有异议，申请复议", "本人业绩条件达到要求，但在职称评聘中落选，认为评审过程不公开。", r="学校组织复议，补充评审后通过。", e="经复核，评审程序符合规定，已向本人反馈评审意见。"),
    T("职称评聘指标分配向部分学院倾斜", "今年职称评聘指标分配向个别学院倾斜，本学院青年教师晋升困难。", r="人事处调整指标分配办法，增设青年教师专项。", e="指标按各单位岗位结构比例核定，已向教师解释。"),
    T("建议公开职称评聘评分细则", "职称评聘各项评分细则不公开，教师无法提前准备材料，建议公开。", "suggestion", r="人事处已在校内网公开职称评聘评分细则。"),
    T("实验技术系列职称晋升通道狭窄", "实验技术人员职称晋升指标太少，多年无法晋升。", "suggestion", r="学校增设实验技术系列高级岗位。", e="指标按岗位设置方案核定，已解释并纳入下一轮岗位设置研究。"),
    T("职称评审外审专家意见未反馈", "职称评审未通过，但一直没有收到外审专家的意见。", r="人事处已向本人书面反馈外审意见。"),
    T("青年教师申报职称教学工作量要求过高", "青年教师申报职称的教学工作量要求过高，与科研任务冲突。", "suggestion", r="人事处对青年教师教学工作量要求作出调整。", e="要求依据学校职称评审办法，已解释并记录建议。"),
]
# not accepted, with referral (诉访分离): (category, identity, summary, content, reason, referral)
REJECTS = [
    ("staff", "outsider", "后勤外包公司保洁员反映被拖欠工资", "信访人系后勤外包服务公司员工，反映公司拖欠三个月工资并解除劳动合同，要求学校支付。", "属于劳动人事争议仲裁受理范围，已告知向劳动人事争议仲裁委员会申请仲裁", "劳动人事争议仲裁委员会"),
    ("staff", "staff", "合同制职工对解除聘用合同有异议，要求经济补偿", "信访人系学校合同制职工，聘用合同到期未续签，要求学校支付经济补偿。", "属于劳动人事争议仲裁受理范围，已告知依法申请劳动人事争议仲裁", "劳动人事争议仲裁委员会"),
    ("staff", "staff", "已就聘用合同纠纷起诉，同时要求学校答复", "信访人已就聘用合同纠纷向法院起诉，同时要求学校书面答复其诉求。", "该事项已进入诉讼程序，依法通过诉讼途径解决", "人民法院"),
    ("safety", "outsider", "校外人员与学生发生借贷纠纷，要求学校代为追讨", "信访人称借钱给本校学生未归还，要求学校扣留学生证件并代为追讨欠款。", "属于民事纠纷，已告知通过诉讼途径解决", "人民法院"),
    ("safety", "student", "在校内遭遇电信诈骗被骗，要求学校赔偿损失", "信访人在宿舍内通过网络兼职被骗两万余元，要求学校承担赔偿责任。", "涉嫌违法犯罪，已告知并协助向属地公安机关报案", "属地公安机关"),
    ("admission", "parent", "对区教育局作出的入学处理决定不服", "信访人对区教育局就其子女入学作出的处理决定不服，要求学校出面撤销。", "属于行政复议受理范围，已告知依法申请行政复议", "行政复议机关"),
    ("facility", "outsider", "校内施工车辆剐蹭私家车，要求学校赔偿", "信访人的私家车在校内停放时被施工车辆剐蹭，要求学校赔偿修车费用。", "属于民事赔偿纠纷，已告知与施工单位协商或通过诉讼途径解决", "人民法院"),
    ("career", "alumni", "实习期间受伤，与实习单位就工伤待遇发生争议", "信访人实习期间在实习单位受伤，与单位就工伤待遇发生争议，要求学校承担责任。", "属于劳动人事争议仲裁受理范围，已告知依法申请仲裁", "劳动人事争议仲裁委员会"),
]
# accusations (检举控告: 纪委办公室, confidential): (summary, content)
ACCUSE = [
    ("反映{cl}某教师收受学生礼品", "期末考试前有学生向该教师赠送购物卡，该教师未予拒收。"),
    ("反映{cl}某教师存在学术不端行为", "该教师近期发表的论文与他人已发表成果高度相似，涉嫌抄袭。"),
    ("反映{dept}某工作人员办事吃拿卡要", "该工作人员在办理报销时故意刁难，暗示需要请客送礼。"),
    ("反映{cl}某教师在课堂上言语侮辱学生，有违师德", "该教师多次在课堂上用侮辱性语言批评学生，造成恶劣影响。"),
    ("反映{cl}某教师对学生存在骚扰行为", "该教师多次在深夜给女学生发送不当信息，学生不堪其扰。"),
    ("反映{cl}违规发放津补贴等违纪问题", "学院以劳务费名义向部分人员违规发放津补贴。"),
    ("反映{cl}某教师违反师德规范向学生收取资料费", "该教师要求学生购买其指定的复习资料，每人收取一百元。"),
    ("反映{cl}评优过程中优亲厚友、违纪违规", "学院评优名单未经公示即上报，获评人员多为个别领导的亲属学生。"),
    ("反映{cl}某教师利用职务之便为亲属谋取利益，涉嫌违纪", "该教师利用负责实验室采购的职务之便，将业务交给其亲属开办的公司。"),
]
# small hardship aids: (category, summary, content, result with the {a}mount)
SMALL_AID = [
    ("aid", "住院医疗费用负担重，申请临时困难补助", "本人因急性阑尾炎住院手术，自付医疗费用较多，家庭难以承担。", "学生工作部审核后发放临时困难补助{a}元。"),
    ("aid", "家乡遭受洪涝灾害，申请临时困难补助", "家乡遭受洪涝灾害，家中农作物绝收，生活费没有着落。", "学生工作部发放临时困难补助{a}元，并将其纳入家庭经济困难学生库。"),
    ("aid", "生活费被骗后生活困难，申请临时补助", "本人一个月生活费被骗，暂时无法维持基本生活。", "学生工作部发放临时生活补助{a}元，并开展防骗教育。"),
    ("aid", "冬季御寒衣物不足，申请困难补助", "家庭经济困难，冬季缺少御寒衣物和被褥。", "学生工作部发放冬季御寒补助{a}元。"),
    ("aid", "寒假返乡路费困难，申请补助", "家在外省偏远地区，寒假返乡路费无力承担。", "学生工作部发放返乡路费补助{a}元。"),
    ("aid", "父亲务工受伤，家庭收入中断", "父亲在工地务工受伤，家庭收入中断，下学期生活费没有着落。", "学生工作部发放临时困难补助{a}元，并安排勤工助学岗位。"),
    ("career", "毕业生求职经济困难，申请求职补贴", "家庭经济困难，外出参加招聘面试的交通住宿费用无力承担。", "招生就业处发放求职创业补贴{a}元，并进行一对一就业指导。"),
]
# help without money: (category, summary, content, result, identity)
NONMONEY_AID = [
    ("admission", "家庭经济困难，学费一时无法缴清", "家中突遭变故，本学年学费一时无法缴清，担心影响注册。", "财务处为其开通绿色通道，办理学费缓交手续，已正常注册。", "parent"),
    ("aid", "申请勤工助学岗位缓解生活压力", "家庭经济困难，希望学校安排勤工助学岗位。", "学生工作部安排图书馆勤工助学岗位，每月可获报酬。", "student"),
    ("career", "家庭困难毕业生求职屡屡受挫", "本人系家庭经济困难毕业生，求职屡屡受挫，希望学校给予帮助。", "招生就业处实施一对一就业帮扶，推荐岗位3个，已顺利签约。", "student"),
    ("dorm", "寒假家中无法居住，申请留校住宿", "家中房屋正在重建，寒假无法回家，申请留校住宿。", "后勤处安排寒假留校住宿，学生工作部发放慰问品。", "student"),
    ("aid", "家庭经济困难学生申请助学贷款遇阻", "家庭经济困难，办理助学贷款时材料不全，担心无法按时缴费。", "学生工作部协助补齐材料并办理校园地助学贷款。", "student"),
    ("status", "因病休学学生复学后生活困难", "本人因病休学一年，复学后治疗费用仍较高，生活困难。", "学校为其办理复学手续，学生工作部将其纳入重点帮扶对象，心理健康教育中心定期跟踪。", "student"),
    ("admission", "新生家庭困难无法按时报到缴费", "孩子考上大学，但家庭困难无法一次缴清学费，担心不能报到。", "学校为其开通新生绿色通道，先报到后缴费。", "parent"),
]
# the results of accusations found true (one drawn), and of those found untrue
ACC_RESOLVED = [
    "纪委办公室已立案核查，反映问题基本属实，已对当事人给予党纪处分并责令整改。",
    "经核查部分属实，已对当事人进行诫勉谈话并责令退还相关款物。",
    "经核查属实，已责令整改，对相关责任人通报批评。",
]
ACC_EDU = "经纪委办公室核查，反映问题不属实，已向举报人反馈核查结果。"
# 教育到位 where a template has no result of its own
EDU_GENERIC = [
    "经调查核实，相关做法符合学校规定，已向信访人当面解释政策依据，信访人表示理解。",
    "经核实，诉求缺乏依据，已向信访人说明情况并做好思想疏导工作。",
]
# 帮扶到位 of a teacher upset by 职称评聘
COUNSEL = "心理健康教育中心为其提供心理疏导4次，人事处做好职称政策解释，当事人情绪已平稳。"

# --------------------------------------------------------------------------------------
# The script of each year (see scripted()): what the seed summary and README.md tell
# --------------------------------------------------------------------------------------
# collective visits: (category, window, summary, content, persons, result, identity)
COLLECTIVES = {
    2024: [
        ("staff", ("2024-01-08", "2024-01-26"), "部分教职工反映年终绩效工资发放标准不统一", "部分教职工在行政楼前聚集，反映学院间年终绩效工资发放标准差距大，要求学校统一标准。", 9, "学校召开专题会议，统一年终绩效工资核算口径并向教职工说明。", "staff"),
        ("canteen", ("2024-05-06", "2024-05-24"), "{can}就餐后多名学生出现肠胃不适", "多名学生在{can}就餐后出现腹泻症状，担心发生群体性健康问题，要求彻查。", 14, "后勤处会同校医院排查，停业整改涉事窗口并加强食材溯源管理。"),
        ("course", ("2024-09-09", "2024-09-27"), "{cl}2023级学生反映专业课频繁调课", "开学以来专业课多次临时调课，全班同学学习计划被打乱，要求规范教学安排。", 28, "教务处约谈学院，规范调课审批并安排补课。"),
        ("dorm", ("2024-07-01", "2024-07-12"), "{b}整栋楼空调故障无法使用", "{b}整栋楼空调主机故障，期末复习期间室内闷热难耐。", 16, "后勤处更换空调主机，并为宿舍配发风扇。"),
        ("career", ("2024-04-08", "2024-04-26"), "{cl}毕业班学生反映实习安排不合理", "学院统一安排的实习单位与专业无关且距离学校过远，学生要求调整。", 22, "学院调整实习方案，增加实习单位供学生选择。"),
        ("facility", ("2024-10-14", "2024-11-08"), "家属区夜间施工噪音扰民", "家属区旁基建工地连续多日夜间施工，噪音严重影响休息。", 6, "基建处要求施工单位夜间停止高噪音作业。", "retired"),
    ],
    2025: [
        ("dorm", ("2025-11-10", "2025-11-28"), "{b}整栋楼热水供应中断三天", "{b}热水供应中断三天，后勤处答复含糊，学生表示如果还不解决将向媒体反映。", 18, "后勤处连夜抢修热水管网，设置临时热水点，并公布应急维修时限。"),
        ("canteen", ("2025-03-03", "2025-03-28"), "{can}饭菜价格集中上调", "{can}新学期多数菜品集中上调价格，学生代表要求公开成本。", 9, "后勤处公开食堂成本构成，恢复12个基本菜品价格并增设平价窗口。"),
        ("course", ("2025-09-08", "2025-09-26"), "{cl}2024级部分学生反映专业课频繁调课", "开学后专业课连续三周调课，全班学生学习计划被打乱。", 26, "教务处约谈学院，规范调课审批并安排补课。"),
        ("career", ("2025-05-06", "2025-05-23"), "{cl}2022级学生反映实习安全保障不到位", "实习单位拖欠实习补贴且没有安全防护，部分学生在实习单位门口聚集讨要说法。", 12, "学院终止与该单位的实习合作，协调补发实习补贴并为学生调整实习单位。"),
        ("staff", ("2025-01-06", "2025-01-24"), "部分青年教师反映绩效工资分配方案不合理", "学院新绩效工资分配方案向高职称人员倾斜，青年教师收入明显下降。", 7, "学院修订绩效工资分配方案，经教代会审议后实施。", "staff"),
        ("facility", ("2025-06-09", "2025-06-27"), "家属区道路施工噪音扰民", "家属区道路改造夜间施工，噪音影响老同志休息。", 6, "基建处调整施工时间，夜间停止高噪音作业。", "retired"),
    ],
}
# single students' matters worded with a sensitive word (the red alert): (category, window, template)
SENSITIVE = {
    2024: [
        ("dorm", ("2024-11-04", "2024-11-29"), T("{b}冬季热水供应时断时续", "{b}热水时有时无已经两周，多次反映无果，学生表示将向媒体反映。", r="后勤处更换热水泵并每日巡检，热水供应恢复正常。")),
        ("exam", ("2024-07-01", "2024-07-12"), T("{course}期末考试疑似提前泄题", "考前网上流传的试题与考试题目高度相似，学生称要网络曝光，要求重考。", r="教务处调查后对该课程组织重考，并追究命题管理责任。")),
    ],
    2025: [
        ("canteen", ("2025-04-07", "2025-04-25"), T("{can}饭菜分量缩水、价格不变", "{can}多个菜品分量明显减少，学生在社交平台发帖，扬言网络曝光。", r="后勤处约谈承包商，恢复菜品标准分量并公示克重。")),
    ],
}
# matters transferred from above that skipped the school (越级访, 2024 only): (category, template, identity, outcome)
BYPASS = [
    ("status", T("延期毕业学生要求补授学位", "信访人向省教育厅反映其延期毕业后学位长期未授予，省教育厅转来。", r="研究生院核查后提交学位评定委员会审议，已补授学位。"), "alumni", ""),
    ("staff", T("对年度考核不合格结论不服", "信访人未向学校反映，直接向省教育厅反映其年度考核被定为不合格，省教育厅转来。", e="经复核考核程序合规，已向本人说明并告知申诉途径。", ew=5), "staff", "educated"),
    ("admission", T("对专升本录取结果有异议", "考生家长向市信访局反映专升本录取不公，市信访局转来。", e="录取按招生章程进行，已向家长当面解释录取规则。", ew=5), "parent", "educated"),
]
# family emergencies (特殊困难补助, confidential): (window, summary, content, result, amount)
BIG_AID = {
    2024: [
        (("2024-03-01", "2024-05-31"), "家庭突发重大变故，申请特殊困难补助", "父亲因车祸重伤住院，家庭失去主要收入来源，医疗费用缺口很大。", "学生工作部启动特殊困难补助程序，发放补助{a}元，并办理学费缓交。", "25000.00"),
        (("2024-09-09", "2024-11-29"), "母亲患重病，申请特殊困难补助", "母亲确诊重病需长期治疗，家庭负债累累，本人面临辍学。", "学生工作部发放特殊困难补助{a}元，并联系校友基金会持续资助。", "20000.00"),
    ],
    2025: [
        (("2025-03-03", "2025-04-30"), "家庭突发重大变故，申请特殊困难补助", "父亲突发重病住院，需手术治疗，家庭无力承担医疗费用。", "学生工作部启动特殊困难补助程序，为其申请特殊困难补助{a}元，并办理学费缓交。", "50000.00"),
        (("2025-05-06", "2025-06-30"), "家中房屋遭遇火灾，申请特殊困难补助", "家中房屋及财物在火灾中全部烧毁，家人暂住亲戚家，生活难以为继。", "学生工作部启动特殊困难补助程序，为其申请特殊困难补助{a}元，并办理学费缓交。", "40000.00"),
        (("2025-09-08", "2025-10-31"), "母亲意外离世，家庭经济陷入困境", "母亲因意外事故离世，父亲常年患病，家庭失去主要经济来源。", "学生工作部启动特殊困难补助程序，为其申请特殊困难补助{a}元，并办理学费缓交。", "30000.00"),
    ],
}
# 研究生助研津贴: the 2024 complaints, then a new rule in 2025 after which it did not recur
STIPEND = {
    2024: (T("{cl}研究生助研津贴发放不及时", "{cl}研究生助研津贴已拖欠两个月未发放，影响研究生正常生活。", r="研究生院联合财务处完成补发，并督促学院按月发放。", ew=0.2, lead="研究生院", co=("财务处",)),
           [("2024-03-01", "2024-04-30"), ("2024-06-01", "2024-07-15"), ("2024-10-08", "2024-11-30")]),
    2025: (T("某学院研究生助研津贴发放不及时", "{cl}研究生助研津贴已拖欠两个月，多名研究生反映影响生活。", r="研究生院联合财务处制定《研究生“三助”岗位津贴发放管理办法》，明确发放时限和监督渠道，已补发津贴。", ew=0.1, lead="研究生院", co=("财务处",)),
           [("2025-03-03", "2025-03-28")]),
}
# the seed's topic (LAB_STUDY from this index on) and the windows of its cases
TOPIC = {
    2024: (0, [("2024-03-01", "2024-06-28")] * 15 + [("2024-09-02", "2024-12-20")] * 12),
    2025: (2, [("2025-03-03", "2025-06-27")] * 8 + [("2025-09-08", "2025-11-21")] * 2),
}
# 职称评聘: the windows of the two counselling cases, then of the others (TITLE from this index on)
TITLES = {
    2024: ([("2024-03-01", "2024-05-31"), ("2024-09-01", "2024-11-30")], 0,
           [("2024-03-01", "2024-06-15")] * 5 + [("2024-09-01", "2024-12-15")] * 5 + [("2024-01-02", "2024-12-31")] * 2),
    2025: ([("2025-03-17", "2025-05-16"), ("2025-09-15", "2025-10-31")], 4,
           [("2025-03-01", "2025-06-13")] * 3 + [("2025-09-01", "2025-11-28")] * 3 + [("2025-01-02", "2025-12-05")]),
}
# aids: the window of the small and non-money ones, and the small amounts
AIDS = {
    2024: (("2024-01-08", "2024-11-29"), ["600.00", "1200.00", "800.00", "1500.00", "2000.00", "500.00", "1000.00", "3000.00"], SMALL_AID + SMALL_AID[:1], NONMONEY_AID),
    2025: (("2025-01-06", "2025-11-07"), ["800.50", "1500.00", "2000.00", "600.00", "1200.00", "3000.00"], SMALL_AID[:5] + SMALL_AID[6:], NONMONEY_AID[:4]),
}
# The petitioners who come back (PA … PG): identity, first channel and date, college, unit
PETITIONERS = {
    "PA": ("student", "app", "2024-04-08", "机械工程学院", "机械工程学院2022级1班"),
    "PB": ("staff", "visit", "2024-09-20", "土木工程学院", "土木工程学院"),
    "PC": ("retired", "visit", "2024-11-12", "化学化工学院", "原化学化工学院"),
    "PD": ("outsider", "visit", "2024-06-11", None, "学校周边居民"),
    "PE": ("student", "app", "2025-03-05", "材料科学与工程学院", "材料科学与工程学院2023级2班"),
    "PF": ("student", "wechat", "2025-11-04", "经济管理学院", "经济管理学院2024级3班"),
    "PG": ("parent", "phone", "2025-04-14", "外国语学院", "外国语学院2024级2班"),
}
OWN = {  # matters only the scripted petitioners raise
    "PD": T("校外人员要求学校出面解决其与学校商户的经营纠纷", "信访人称与校内商户存在合作经营纠纷，要求学校责令商户赔偿。", e="该事项属于经营双方的民事纠纷，已向信访人说明并告知救济途径。", ew=5),
    "PC": T("退休前住房补贴未足额发放", "信访人称其退休前的住房补贴未按标准足额发放，要求学校补发差额。", e="经人事处、财务处核查，住房补贴已按当时政策足额发放，已向信访人出示发放记录并解释。", ew=5),
    "PC2": T("退休人员医疗费报销比例有异议", "信访人认为其医疗费报销比例低于其他退休人员，要求补报差额。", e="经离退休工作处核查，报销比例符合规定，已向信访人解释政策。", ew=5, lead="离退休工作处"),
    "food": T("反映{can}使用过期变质食材", "信访人称{can}长期使用过期变质食材，并提供了多张照片。"),
}
LEGAL = {  # the 依法处理 results
    "PD": "信访人多次到校缠访闹访、扰乱办公秩序，保卫处会同属地派出所依法对其进行批评教育。",
    "PC": "信访人多次到行政楼缠访闹访、扰乱办公秩序，保卫处会同属地派出所依法予以批评教育，并做好后续疏导。",
    "food": "经后勤处会同市场监管部门核查，所反映问题系捏造事实、照片系移花接木，保卫处已依规对信访人进行批评教育。",
    "accusation": "经纪委办公室核查，所反映问题系捏造事实，信访人并散布不实信息，已联合保卫处、属地派出所对其进行批评教育。",
}
ACCUSATIONS = {  # windows; the first of 2025 is fabricated (依法处理)
    2024: [("2024-01-02", "2024-12-20")] * 16,
    2025: [("2025-05-06", "2025-06-20")] + [("2025-01-06", "2025-11-28")] * 12,
}
REJECTED_IN = {2024: ("2024-01-08", "2024-12-10"), 2025: ("2025-01-06", "2025-11-28")}

# --------------------------------------------------------------------------------------
# Weights of the random draws, quotas and the target figures
# --------------------------------------------------------------------------------------
IDENT_W = {
    "course": [("student", 90), ("staff", 8), ("parent", 2)],
    "exam": [("student", 92), ("parent", 5), ("alumni", 3)],
    "status": [("student", 80), ("alumni", 12), ("parent", 6), ("staff", 2)],
    "dorm": [("student", 90), ("parent", 8), ("staff", 2)],
    "canteen": [("student", 80), ("staff", 15), ("parent", 3), ("outsider", 2)],
    "facility": [("student", 45), ("staff", 30), ("retired", 15), ("outsider", 10)],
    "aid": [("student", 85), ("parent", 12), ("alumni", 3)],
    "career": [("student", 70), ("alumni", 20), ("parent", 8), ("outsider", 2)],
    "staff": [("staff", 82), ("retired", 15), ("outsider", 3)],
    "ethics": [("student", 55), ("staff", 35), ("parent", 5), ("outsider", 5)],
    "admission": [("parent", 50), ("student", 25), ("outsider", 20), ("alumni", 5)],
    "safety": [("student", 55), ("staff", 20), ("outsider", 15), ("parent", 5), ("retired", 5)],
}
CHANNEL_W = {  # by identity
    "student": [("mailbox", 22), ("wechat", 24), ("app", 26), ("visit", 9), ("phone", 6), ("letter", 3), ("reception", 2), ("face_to_face", 7), ("transfer", 1)],
    "staff": [("mailbox", 30), ("wechat", 8), ("app", 14), ("visit", 14), ("phone", 10), ("letter", 8), ("reception", 8), ("face_to_face", 6), ("transfer", 2)],
    "retired": [("visit", 30), ("phone", 30), ("letter", 25), ("reception", 10), ("transfer", 5)],
    "parent": [("phone", 35), ("mailbox", 20), ("visit", 15), ("letter", 10), ("wechat", 10), ("reception", 5), ("transfer", 5)],
    "alumni": [("mailbox", 40), ("phone", 25), ("wechat", 20), ("letter", 10), ("visit", 5)],
    "outsider": [("phone", 35), ("visit", 25), ("letter", 20), ("mailbox", 15), ("transfer", 5)],
}
ACCUSATION_CHANNEL_W = [("letter", 30), ("mailbox", 35), ("visit", 10), ("transfer", 10), ("app", 10), ("phone", 5)]
ANONYMOUS_P = {"mailbox": 0.22, "wechat": 0.25, "app": 0.2, "letter": 0.15, "phone": 0.08}
BIRTH = {"student": (2001, 2007), "staff": (1965, 1996), "retired": (1942, 1962), "parent": (1966, 1982), "alumni": (1988, 2002), "outsider": (1960, 2000)}
MONTH_W = [6, 3, 10, 10, 10, 11, 6, 3, 13, 11, 10, 11]
MONTH_MULT = {
    "exam": {1: 2.0, 6: 1.6, 7: 2.0},
    "career": {4: 1.8, 5: 2.0, 6: 2.0, 11: 1.4},
    "aid": {9: 1.5, 10: 2.2, 11: 2.0},
    "admission": {7: 3.0, 8: 4.0, 9: 2.0},
    "dorm": {6: 1.3, 7: 1.3, 9: 1.6, 12: 1.2},
    "status": {5: 2.0, 6: 2.0, 12: 1.3},
    "staff": {1: 1.4, 3: 1.3, 9: 1.3, 10: 1.4, 12: 1.4},
    "course": {3: 1.5, 9: 1.5},
    "canteen": {9: 1.3, 10: 1.2},
}
CLOSE_RANGE = {  # typical days from acceptance to closing
    "course": (5, 30), "exam": (4, 25), "status": (7, 40), "dorm": (2, 12), "canteen": (3, 18), "facility": (5, 35),
    "aid": (7, 40), "career": (6, 35), "staff": (12, 50), "ethics": (20, 55), "admission": (5, 30), "safety": (4, 30),
}
QUOTAS = {  # cases per category and year, scripted ones included
    2024: dict(course=50, exam=42, status=28, dorm=55, canteen=38, facility=32, aid=36, career=22, staff=28, ethics=22, admission=22, safety=27),
    2025: dict(course=40, exam=36, status=25, dorm=40, canteen=27, facility=25, aid=30, career=20, staff=22, ethics=20, admission=18, safety=24),
}
EXPECT: dict[int, dict[str, Any]] = {  # `report annual --json` as of 2025-12-31 (README.md, the seed)
    2024: {"total": 402, "repeat": 31, "bypass": 3, "collective": 6, "not_accepted": 8, "open": 0, "satisfaction_pct": 93.8},
    2025: {"total": 327, "previous_total": 402, "total_change_pct": -18.7, "repeat": 22, "repeat_change_pct": -29.0, "bypass": 0,
           "collective": 6, "not_accepted": 8, "overdue_open": 5, "one_time_rate_pct": 92.3, "satisfaction_pct": 95.7},
}
GROUP_SHARES_2025 = {"teaching": 31, "logistics": 28, "rights": 22, "other": 19}  # %, ± 1 point
BIG_AID_2025 = Decimal("120000.00")  # 3 family emergencies
PLAN = {  # how many cases each year are accepted late, extended, closed late
    2024: dict(late_accept=4, extend=8, late_close=12),
    2025: dict(late_accept=3, extend=7, late_close=9),
}
# fmt: on
RECENT = D("2025-12-08")  # received in the last ~3 weeks of 2025: still open at year end
QUICK = ("dorm", "canteen")  # 接诉即办: never left open for weeks
TOPIC_TERMS = ("实验室开放时间", "自习室座位")  # the seed's topic; both are taxonomy topic words


# --------------------------------------------------------------------------------------
# Case model and random draws
# --------------------------------------------------------------------------------------
@dataclass
class Person:
    name: str
    identity: str  # key or ""
    unit: str
    phone: str
    idno: str
    college: str


@dataclass
class Case:
    cat: str
    received: date
    tpl: Tpl
    channel: str
    person: Person
    nature: str
    persons: int = 1
    ctx: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    content: str = ""
    repeat_of: Case | None = None
    named: bool = False  # a later case names it as 原件
    topic: bool = False  # the seed's 实验室开放时间 / 自习室座位 topic
    bypass: bool = False
    confidential: bool = False
    scripted: bool = False
    life: str = "normal"
    acc_days: int | None = None
    close_days: int | None = None
    accepted: date | None = None
    lead: str = ""
    co: list[str] = field(default_factory=list)
    leader: str = ""
    rejected: date | None = None
    reason: str = ""
    referral: str = ""
    ext_days: int | None = None
    ext_reason: str = ""
    ext_on: date | None = None
    approver: str = ""
    closed: date | None = None
    outcome: str = ""
    result: str = ""
    aid: Decimal | None = None
    rating: str = ""
    rated_on: date | None = None
    fixed_outcome: str = ""
    fixed_result: str = ""
    number: str = ""

    @property
    def limits(self) -> Category:
        return TAX.categories[self.cat]

    def accept_due(self) -> date:
        return due(self.received, self.limits.accept_days, self.cat)

    def handle_due(self) -> date:
        assert self.accepted is not None
        return due(self.accepted, self.limits.handle_days, self.cat)


def pick(seq):
    return seq[rng.randrange(len(seq))]


def wpick(pairs):
    """pairs: list of (item, weight)."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def wsample(items, weights, k):
    """Weighted sample without replacement (Efraimidis-Spirakis), deterministic."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


USED_PHONES: set[str] = set()


def new_phone(draw: Callable[[], str]) -> str:
    """A number no other petitioner has, written as the ledger stores it."""
    while (phone := draw()) in USED_PHONES:
        pass
    USED_PHONES.add(phone)
    assert validate_phone(phone) == phone, phone
    return phone


def mobile() -> str:
    return new_phone(lambda: pick(MOBILE_PREFIX) + "0000" + f"{rng.randrange(10000):04d}")


def landline() -> str:
    return new_phone(lambda: "028-8" + f"{rng.randrange(10**7):07d}")


def id_number(identity: str, male: bool) -> str:
    lo, hi = BIRTH[identity]
    b = date(lo, 1, 1) + timedelta(days=rng.randrange((date(hi, 12, 31) - date(lo, 1, 1)).days))
    seq = rng.randrange(0, 100) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first = pick(AREAS) + b.strftime("%Y%m%d") + f"{seq:03d}"
    idno = first + id_check_char(first)
    assert validate_id_number(idno) == idno, idno
    return idno


def person_name(identity: str) -> tuple[str, bool]:
    male = rng.random() < 0.52
    pool = GIVEN_M if male else GIVEN_F
    two = rng.random() < (0.75 if identity in ("student", "alumni") else 0.45)
    given = pick(pool) + (pick(pool) if two else "")
    return pick(SURNAMES) + given, male


def make_person(identity, channel, college=None, anonymous=False, when=AS_OF) -> Person:
    college = college or pick(COLLEGES)
    name, male = person_name(identity)
    newest = when.year if when.month >= 9 else when.year - 1  # the latest intake (年级)
    unit = ""
    if identity == "student":
        if rng.random() < 0.75:
            unit = f"{college}{rng.randint(newest - 3, newest)}级{rng.randint(1, 6)}班"
        elif rng.random() < 0.8:
            unit = f"{college}{rng.randint(newest - 2, newest)}级硕士研究生"
        else:
            unit = college
    elif identity == "staff":
        unit = college if rng.random() < 0.7 else pick(ADMIN_UNITS)
    elif identity == "retired":
        unit = f"原{college}" if rng.random() < 0.7 else "离退休工作处"
    elif identity == "parent":
        if rng.random() < 0.7:
            unit = f"{college}{rng.randint(newest - 3, newest)}级{rng.randint(1, 6)}班"
    elif identity == "alumni":
        last = when.year if when.month >= 7 else when.year - 1
        unit = f"{college}{rng.randint(last - 6, last)}届毕业生"
    elif identity == "outsider":
        unit = pick(["", "", "后勤外包服务公司", "学校周边居民", "某招聘企业"])
    if anonymous:
        ident = identity if rng.random() < 0.6 else ""
        return Person("", ident, unit if rng.random() < 0.3 else "", "", "", college)
    p_phone = 0.3 if channel in ONLINE else 0.6 if channel == "letter" else 0.9
    phone = ""
    if rng.random() < p_phone:
        elderly = identity in ("retired", "parent", "outsider")
        phone = landline() if elderly and rng.random() < 0.35 else mobile()
    p_id = 0.25 if channel in ("visit", "letter", "transfer", "reception") else 0.03
    idno = id_number(identity, male) if rng.random() < p_id else ""
    return Person(name, identity, unit, phone, idno, college)


def random_date(year: int, cat: str, lo: date | None = None, hi: date | None = None) -> date:
    lo = lo or date(year, 1, 1)
    hi = hi or date(year, 12, 31)

    def month_end(m: int) -> date:
        return (date(year, m + 1, 1) if m < 12 else date(year + 1, 1, 1)) - DAY

    weights = [
        (m, MONTH_W[m - 1] * MONTH_MULT.get(cat, {}).get(m, 1.0))
        for m in range(1, 13)
        if date(year, m, 1) <= hi and month_end(m) >= lo
    ]
    m = wpick(weights)
    first, last = max(lo, date(year, m, 1)), min(hi, month_end(m))
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def fit_channel_date(d: date, channel: str) -> date:
    """Visits, calls and letters are registered on working days."""
    if channel in ONLINE:
        return d
    n = next_wd(d)
    return n if n.year == d.year else prev_wd(d)


def new_case(cat, received, tpl, *, identity=None, channel=None, person=None, anonymous=None, **kw):
    identity = identity or tpl.ident or wpick(IDENT_W[cat])
    if person is not None:
        identity = person.identity or identity
    elif identity == "parent" and tpl.ident is None and ("本人" in tpl.c or "我" in tpl.c):
        identity = "student"  # the matter is told in the first person
    if channel is None:
        channel = wpick(CHANNEL_W[identity])
    if person is None:
        if anonymous is None:
            anonymous = rng.random() < ANONYMOUS_P.get(channel, 0)
        person = make_person(identity, channel, anonymous=anonymous, when=received)
    received = fit_channel_date(received, channel)
    c = Case(cat, received, tpl, channel, person, tpl.nat)
    c.ctx = {k: pick(v) for k, v in SLOTS.items()}
    c.ctx["cl"] = person.college
    c.ctx["r"] = f"{rng.randint(1, 6)}{rng.randint(1, 28):02d}"  # a dormitory room
    c.summary, c.content = tpl.s.format(**c.ctx), tpl.c.format(**c.ctx)
    if rng.random() < 0.08 and channel in ("visit", "reception", "face_to_face"):
        c.persons = rng.choice([2, 2, 3, 4])
    for k, v in kw.items():
        setattr(c, k, v)
    return c


# --------------------------------------------------------------------------------------
# Scripted cases
# --------------------------------------------------------------------------------------
def sc(cat, when, tpl, **kw) -> Case:
    """A scripted case; `when` is an ISO date or a (first, last) window of them."""
    if isinstance(when, tuple):
        d = random_date(int(when[0][:4]), cat, D(when[0]), D(when[1]))
    else:
        d = D(when)
    c = new_case(cat, d, tpl, **kw)
    c.scripted = True
    return c


def accusation(when, *, fabricated=False) -> Case:
    s, ctt = pick(ACCUSE)
    tpl = T(s, ctt, "accusation", r="|".join(ACC_RESOLVED), e=ACC_EDU, ew=1.5, lead="纪委办公室")
    ident = wpick([("student", 45), ("staff", 45), ("parent", 5), ("outsider", 5)])
    ch = wpick(ACCUSATION_CHANNEL_W)
    anon = False if fabricated else rng.random() < 0.6
    c = sc("ethics", when, tpl, identity=ident, channel=ch, anonymous=anon, confidential=True)
    if fabricated:
        c.fixed_outcome, c.fixed_result, c.leader = "legal", LEGAL["accusation"], pick(LEADERS)
    return c


def rejected(when, spec) -> Case:
    cat, ident, s, ctt, reason, referral = spec
    kw = dict(reason=reason, referral=referral, life="reject")
    return sc(cat, when, T(s, ctt), identity=ident, anonymous=False, **kw)


def assisted(cat, when, s, ctt, result, amount=None, identity="student", **kw) -> Case:
    aid = Decimal(amount) if amount else None
    kw.update(fixed_outcome="assisted", fixed_result=result, aid=aid)
    return sc(cat, when, T(s, ctt), identity=identity, anonymous=False, **kw)


def collective(cat, when, s, ctt, persons, r, identity="student") -> Case:
    tpl = T(s, ctt, r=r, ew=0.1)
    c = sc(cat, when, tpl, identity=identity, channel="visit", anonymous=False, persons=persons)
    c.leader = pick(LEADERS)
    return c


def set_building(c: Case, b: str) -> None:
    c.ctx["b"] = b
    c.summary, c.content = c.tpl.s.format(**c.ctx), c.tpl.c.format(**c.ctx)


def repeat_of(orig: Case, when: str, *, channel=None, reason=None, **kw) -> Case:
    c = sc(orig.cat, when, orig.tpl, person=orig.person, channel=channel or orig.channel, **kw)
    make_repeat(c, orig, reason)
    return c


def make_repeat(c: Case, orig: Case, reason: str | None = None) -> None:
    c.repeat_of, c.person, c.tpl, c.ctx = orig, orig.person, orig.tpl, dict(orig.ctx)
    c.nature, c.persons = orig.nature, 1
    base = orig.summary.removeprefix("再次反映：")
    c.summary = rng.choice(["再次反映：{s}", "{s}（重复反映）", "再次反映：{s}"]).format(s=base)
    when = f"{orig.received.year}年{orig.received.month}月{orig.received.day}日"
    if reason is None and orig.closed and orig.closed < c.received:
        reason = rng.choice(
            ["对答复不满意，要求重新处理", "认为问题仍未得到实际解决", "称整改后问题再次出现"]
        )
    c.content = f"信访人曾于{when}反映此事，{reason or '称至今未收到处理结果，要求加快办理'}。"


def petitioner(key: str, phone: Callable[[], str] | None = None) -> Person:
    identity, channel, when, college, unit = PETITIONERS[key]
    p = make_person(identity, channel, college=college, when=D(when))
    p.unit = unit
    if phone:
        p.phone = phone()
    return p


REFS: dict[str, Case] = {}  # 2024 cases the 2025 script returns to


# The script, one case (or one kind of case) per line.
# fmt: off
def scripted(year: int) -> list[Case]:
    """The year's scripted cases, drawn in this order."""
    offset, windows = TOPIC[year]
    out = [sc("course", w, LAB_STUDY[(i + offset) % len(LAB_STUDY)], identity="student", topic=True) for i, w in enumerate(windows)]
    if year == 2025:  # the new rooms and seats answered four of them
        for c in out[4:8]:
            c.fixed_outcome, c.fixed_result = "resolved", "学校新增开放实验室12间、自习座位800个，并实行线上预约。"
    # 职称评聘: PB's chain (three cases in 2024, one in 2025), two who needed counselling, the others
    if year == 2024:
        REFS["PB"] = pb = sc("staff", "2024-09-20", TITLE[2], person=petitioner("PB"), channel="visit", fixed_outcome="educated")
        out += [pb, repeat_of(pb, "2024-10-22", channel="letter"), repeat_of(pb, "2024-12-02", channel="reception")]
    else:
        out.append(repeat_of(REFS["PB"], "2025-03-10", channel="reception", reason="对复核结论仍不认可，要求学校重新组织评审", fixed_outcome="educated"))
    out[-1].leader = pick(LEADERS)
    counselling, offset, windows = TITLES[year]
    for tpl, w in zip((TITLE[0], TITLE[3]), counselling, strict=True):
        out.append(sc("staff", w, tpl, identity="staff", channel="visit", anonymous=False, fixed_outcome="assisted", fixed_result=COUNSEL))
    out += [sc("staff", w, TITLE[(i + offset) % len(TITLE)], identity="staff") for i, w in enumerate(windows)]
    tpl, windows = STIPEND[year]
    out += [sc("aid", w, tpl, identity="student") for w in windows]
    out += [accusation(w, fabricated=(year == 2025 and i == 0)) for i, w in enumerate(ACCUSATIONS[year])]
    out += [collective(*spec) for spec in COLLECTIVES[year]]
    out += [sc(cat, w, tpl, identity="student") for cat, w, tpl in SENSITIVE[year]]
    if year == 2024:
        for cat, tpl, ident, outcome in BYPASS:
            out.append(sc(cat, ("2024-03-01", "2024-11-15"), tpl, identity=ident, channel="transfer", anonymous=False, bypass=True, leader=pick(LEADERS), fixed_outcome=outcome))
    out += [rejected(REJECTED_IN[year], spec) for spec in REJECTS]
    out += [assisted("aid", w, s, ctt, res.format(a=amt), amt, confidential=True) for w, s, ctt, res, amt in BIG_AID[year]]
    window, amounts, small, nonmoney = AIDS[year]
    out += [assisted(cat, window, s, ctt, res.format(a=amt), amt) for amt, (cat, s, ctt, res) in zip(amounts, small, strict=True)]
    out += [assisted(cat, window, s, ctt, res, identity=ident) for cat, s, ctt, res, ident in nonmoney]
    return out + (petitioners_2024() if year == 2024 else petitioners_2025())


def petitioners_2024() -> list[Case]:
    # PA: a student with three cases within 90 days
    a1 = sc("dorm", "2024-04-08", FILL["dorm"][6], person=petitioner("PA", mobile), channel="app", acc_days=1, close_days=6)
    set_building(a1, "东区12栋")
    a2 = repeat_of(a1, "2024-04-29", channel="visit")
    a3 = sc("canteen", "2024-06-03", FILL["canteen"][1], person=a1.person, channel="app")
    # PD: a neighbour who keeps coming about a private dispute, in the end 依法处理
    d1 = sc("safety", "2024-06-11", OWN["PD"], person=petitioner("PD", landline), channel="visit", fixed_outcome="educated", acc_days=1, close_days=10)
    d2 = repeat_of(d1, "2024-07-02", channel="visit", fixed_outcome="educated", acc_days=1, close_days=12)
    d3 = repeat_of(d1, "2024-07-30", channel="visit", fixed_outcome="legal", fixed_result=LEGAL["PD"])
    d3.leader = pick(LEADERS)
    # fabricated facts about the canteen (依法处理)
    f = sc("canteen", ("2024-10-09", "2024-10-31"), OWN["food"], identity="student", channel="wechat", anonymous=False, fixed_outcome="legal", fixed_result=LEGAL["food"])
    # PC: a retired teacher and the housing subsidy; comes back in 2025
    pc = petitioner("PC", landline)
    pc.idno = id_number("retired", True)
    REFS["PC"] = c = sc("staff", "2024-11-12", OWN["PC"], person=pc, channel="visit", fixed_outcome="educated", acc_days=2, close_days=28)
    return [a1, a2, a3, d1, d2, d3, f, c]


def petitioners_2025() -> list[Case]:
    # PC comes back, raises a new matter, then 缠访闹访 (依法处理)
    r1 = repeat_of(REFS["PC"], "2025-01-06", channel="visit", reason="对答复不满意，要求按现行标准补发", fixed_outcome="educated", acc_days=1, close_days=14)
    n1 = sc("staff", "2025-02-24", OWN["PC2"], person=r1.person, channel="reception", fixed_outcome="educated", acc_days=1, close_days=18)
    r2 = repeat_of(n1, "2025-03-31", channel="visit", reason="对答复不满意，多次到行政楼要求面见校领导", fixed_outcome="legal", fixed_result=LEGAL["PC"])
    r2.leader = pick(LEADERS)
    # PE: a student with three cases within 90 days
    e1 = sc("dorm", "2025-03-05", FILL["dorm"][1], person=petitioner("PE", mobile), channel="app", fixed_outcome="resolved", acc_days=1, close_days=5)
    set_building(e1, "南苑2栋")
    e2 = repeat_of(e1, "2025-03-26", channel="visit")
    e3 = sc("safety", "2025-05-12", FILL["safety"][0], person=e1.person, channel="app")
    set_building(e3, "南苑2栋")
    # PF: a student with three matters in Nov-Dec (the last one still open at year end)
    pf = petitioner("PF", mobile)
    f1 = sc("canteen", "2025-11-04", FILL["canteen"][0], person=pf, channel="wechat")
    f2 = sc("dorm", "2025-11-24", FILL["dorm"][2], person=pf, channel="app")
    f3 = sc("exam", "2025-12-15", FILL["exam"][1], person=pf, channel="wechat")
    # PG: a parent who calls twice from the same phone about the child
    pg = petitioner("PG", mobile)
    g1 = sc("aid", "2025-04-14", FILL["aid"][1], person=pg, channel="phone")
    g2 = sc("status", "2025-09-22", FILL["status"][1], person=pg, channel="phone")
    return [r1, n1, r2, e1, e2, e3, f1, f2, f3, g1, g2]
# fmt: on


# --------------------------------------------------------------------------------------
# A year: the quota filled with templates, then each case's life
# --------------------------------------------------------------------------------------
def build_year(year: int) -> list[Case]:
    cases = scripted(year)
    used = Counter(c.cat for c in cases)
    for cat, quota in QUOTAS[year].items():
        assert quota >= used[cat], (year, cat)
        for _ in range(quota - used[cat]):
            tpl = pick(FILL[cat])
            c = new_case(cat, random_date(year, cat), tpl)
            if (
                tpl.ident is None
                and c.person.identity == "outsider"
                and cat in ("course", "exam", "dorm")
            ):
                c.person.identity = "student"
            cases.append(c)
    assert len(cases) == EXPECT[year]["total"], (year, len(cases))
    cases.sort(key=lambda c: (c.received, rng.random()))  # numbered in order of receipt
    for i, c in enumerate(cases, 1):
        c.number = f"{TAX.number_prefix}{year}-{i:04d}"
    return cases


def choose_lead(c: Case) -> None:
    helpers, alternatives = HELPERS[c.cat]
    c.lead = c.tpl.lead or c.limits.lead
    if c.nature == "accusation":
        c.lead = "纪委办公室"
    elif c.tpl.lead is None and alternatives and rng.random() < 0.07:
        c.lead = pick(alternatives)
    co = list(c.tpl.co)
    if rng.random() < 0.18 or c.persons >= COLLECTIVE:
        extra = [d for d in helpers if d != c.lead and d not in co]
        if extra:
            co += rng.sample(extra, k=min(len(extra), rng.choice([1, 1, 2])))
    c.co = [d for d in dict.fromkeys(co) if d != c.lead]


def accept_offset(c: Case) -> date:
    if c.acc_days is not None:
        return next_wd(c.received + timedelta(days=c.acc_days))
    off = wpick([(0, 8), (1, 35), (2, 25), (3, 15), (4, 9), (5, 8)])
    if c.channel == "transfer":
        off += 2
    d = next_wd(c.received + timedelta(days=off))
    assert d <= c.accept_due(), c.number
    return d


def workday_in(lo: date, hi: date) -> date:
    """A working day in [lo, hi], or the last one before hi."""
    days = wd_between(lo, hi)
    return pick(days) if days else prev_wd(hi)


def plan_life(year: int, cases: list[Case]) -> None:
    plan = PLAN[year]
    fill = [c for c in cases if not c.scripted]
    last = AS_OF if year == 2025 else date(2024, 12, 31)

    def take(kind, k, lo, hi, cats=None, min_ew=0.0):
        """Give `k` plain non-scripted cases received in [lo, hi] this life."""
        pool = [
            c
            for c in fill
            if c.life == "normal"
            and D(lo) <= c.received <= D(hi)
            and (cats is None or c.cat in cats)
            and c.tpl.ew >= min_ew
        ]
        for c in rng.sample(pool, k):
            c.life = kind

    slow = ("staff", "status", "aid", "facility", "career")
    if year == 2025:
        take("open_overdue", 5, "2025-10-09", "2025-10-27", (*slow, "ethics"))
        take("open_duesoon", 3, "2025-10-29", "2025-11-05")
        take("open_ext", 1, "2025-10-09", "2025-10-20", (*slow, "admission"), 0.5)
        for c in cases:
            if c.received >= RECENT:
                assert c.life == "normal" and not c.fixed_outcome and c.repeat_of is None, c.summary
                c.life = "open_recent"
    ext_last = f"{year}-08-31" if year == 2025 else "2024-10-31"
    take("extend", plan["extend"], f"{year}-02-15", ext_last, (*slow, "admission", "ethics"), 0.5)
    take("late_close", plan["late_close"], f"{year}-01-15", ext_last)
    take("late_accept", plan["late_accept"], f"{year}-02-15", f"{year}-10-31")

    for c in cases:
        if c.life == "reject":
            c.rejected = pick(wd_between(c.received + DAY, c.received + timedelta(days=10)))
            continue
        if c.life == "open_recent":
            a = accept_offset(c)
            if a <= AS_OF and not (c.received >= D("2025-12-18") and rng.random() < 0.55):
                c.accepted = a
                choose_lead(c)
            continue
        if c.life == "late_accept":
            limit = c.accept_due()
            c.accepted = pick(wd_between(limit + DAY, limit + timedelta(days=5)))
        elif c.life == "open_duesoon":
            c.accepted = pick(wd_between(max(D("2025-11-01"), c.received + DAY), D("2025-11-07")))
        elif c.life in ("open_overdue", "open_ext"):
            c.accepted = pick(
                wd_between(c.received + DAY, min(c.received + timedelta(days=4), D("2025-10-31")))
            )
        else:
            c.accepted = accept_offset(c)
        choose_lead(c)
        a, handle_due = c.accepted, c.handle_due()
        if c.life in ("open_overdue", "open_duesoon"):
            continue
        if c.life == "open_ext":  # extended in December, so not yet overdue at year end
            c.ext_on = pick(wd_between(D("2025-12-01"), min(handle_due, D("2025-12-19"))))
            need = (D("2026-01-01") - handle_due).days + 1
            c.ext_days = max(need, rng.randint(15, c.limits.extend_max_days))
            c.ext_reason, c.approver = pick(EXT_REASONS), pick(APPROVERS)
            assert due(handle_due, c.ext_days, c.cat) > AS_OF, c.number
            continue
        if c.life == "extend":  # extended before the due date, closed after it
            c.ext_on = pick(wd_between(a + timedelta(days=35), handle_due - DAY))
            c.ext_days = rng.randint(10, c.limits.extend_max_days)
            c.ext_reason, c.approver = pick(EXT_REASONS), pick(APPROVERS)
            if rng.random() < 0.5:
                c.leader = c.leader or pick(LEADERS)
            c.closed = workday_in(handle_due + DAY, due(handle_due, c.ext_days, c.cat))
            continue
        if c.life == "late_close":
            c.closed = workday_in(handle_due + DAY, handle_due + timedelta(days=18))
            continue
        if c.close_days is not None:
            c.closed = next_wd(a + timedelta(days=c.close_days))
            continue
        lo, hi = CLOSE_RANGE[c.cat]
        if c.persons >= COLLECTIVE or c.bypass:
            lo, hi = lo + 5, min(hi + 10, 58)
        days = lo + int((hi - lo) * rng.triangular(0, 1, 0.35))
        if rng.random() < 0.06:
            days = rng.randint(41, 58)
        c.closed = workday_in(a + timedelta(days=days), a + timedelta(days=days + 2))
        if c.closed > handle_due:
            c.closed = prev_wd(handle_due)
        if year == 2025 and c.closed > last:
            if c.received < D("2025-11-10") or c.scripted or c.cat in QUICK:
                c.closed = workday_in(a + timedelta(days=2), min(handle_due, last))
            else:
                c.closed = None  # still being handled at year end


def first_time_closed(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.repeat_of is None and c.closed is not None and c.closed <= AS_OF]


def eligible_original(o: Case, slot: Case) -> bool:
    return (
        o.cat == slot.cat
        and o.closed is not None
        and o.repeat_of is None
        and o.life == "normal"
        and not o.fixed_outcome
        and o.persons < COLLECTIVE
        and o.nature != "accusation"
        and not o.topic
        and not o.named
        and not o.bypass
        and o.received <= slot.received - timedelta(days=10)
        and o.person.name != ""
        and o is not slot
    )


def wire_repeats(year: int, cases: list[Case]) -> None:
    """Turn plain cases into repeats of earlier cases until the year's repeat count is met."""
    need = EXPECT[year]["repeat"] - sum(1 for c in cases if c.repeat_of is not None)
    for c in cases:
        if c.repeat_of is not None:
            c.repeat_of.named = True
    slots = [
        c
        for c in cases
        if not c.scripted
        and c.life == "normal"
        and c.closed is not None
        and D(f"{year}-02-01") <= c.received < RECENT
        and c.persons < COLLECTIVE
    ]
    rng.shuffle(slots)
    done = 0
    for slot in slots:
        if done == need:
            break
        if slot.repeat_of is not None or slot.named:
            continue
        pool = [o for o in cases if eligible_original(o, slot)]
        pool = [o for o in pool if o.closed < slot.received] or pool
        if not pool:
            continue
        orig = pick(pool)
        make_repeat(slot, orig)
        if slot.accepted:
            choose_lead(slot)  # the matter changed: so may its lead department
        if rng.random() < 0.3 and CALENDAR.is_workday(slot.received):
            slot.channel = pick(["visit", "phone", "reception"])
        orig.named = True
        done += 1
    assert done == need, (year, done, need)


def tune_open_2025(cases: list[Case]) -> None:
    """Open / close a few in-flight November cases so the one-time rate lands on its target."""
    named = {id(c.repeat_of) for c in cases if c.repeat_of is not None}
    n = sum(1 for c in first_time_closed(cases) if id(c) in named)
    want = EXPECT[2025]["one_time_rate_pct"]
    targets = [f for f in range(200, 320) if pct(f - n, f) == want]
    ftc = len(first_time_closed(cases))
    target = min(targets, key=lambda f: abs(f - ftc))
    cands = [
        c
        for c in cases
        if not c.scripted
        and c.life == "normal"
        and c.repeat_of is None
        and not c.named
        and c.accepted is not None
        and c.accepted >= D("2025-11-09")
        and c.cat not in QUICK
        and c.received < RECENT
    ]
    rng.shuffle(cands)
    cands.sort(key=lambda c: c.tpl.ew < 0.5)  # prefer matters that plausibly take weeks
    while ftc != target:
        if ftc > target:
            c = next(c for c in cands if c.closed is not None)
            c.closed = None
            ftc -= 1
        else:
            c = next(c for c in cands if c.closed is None)
            c.closed = workday_in(c.accepted + timedelta(days=2), AS_OF)
            ftc += 1
        cands.remove(c)


def assign_outcomes(cases: list[Case]) -> None:
    closed = [c for c in cases if c.closed is not None]
    k_edu = round(len(closed) * 0.14) - sum(1 for c in closed if c.fixed_outcome == "educated")
    free = [c for c in closed if not c.fixed_outcome]
    weights = []
    for c in free:
        w = c.tpl.ew
        if c.named:
            w *= 2.5
        if c.repeat_of is not None:
            w *= 1.5
        if c.tpl.e is None and c.nature != "accusation":
            w *= 0.5
        weights.append(w)
    edu = {id(c) for c in wsample(free, weights, k_edu)}
    for c in closed:
        c.outcome = c.fixed_outcome or ("educated" if id(c) in edu else "resolved")
        if c.fixed_result:
            c.result = c.fixed_result
        elif c.outcome == "educated":
            c.result = (c.tpl.e or pick(EDU_GENERIC)).format(**c.ctx)
        else:
            c.result = (
                pick(c.tpl.r) if c.tpl.r else "经协调有关部门，诉求已解决，已向信访人反馈。"
            ).format(**c.ctx)
        if c.outcome != "assisted":
            c.aid = None
    for c in cases:
        if c.closed is None:
            c.aid = None


def assign_ratings(cases: list[Case], target: float) -> None:
    closed = [c for c in cases if c.closed is not None and c.outcome != "legal"]
    rated = [c for c in closed if rng.random() < (0.92 if c.person.name else 0.7)]
    # drop a few ratings until an integer count of dissatisfied hits the target exactly
    while True:
        r = len(rated)
        ds = [d for d in range(r) if pct(r - d, r) == target]
        if ds:
            d = min(ds, key=lambda x: abs(x - r * (100 - target) / 100))
            break
        rated.pop(rng.randrange(len(rated)))
    weights = []
    for c in rated:
        w = 1.0
        if c.outcome == "educated":
            w *= 6
        if c.named:
            w *= 3
        if c.life in ("late_close", "late_accept"):
            w *= 2
        weights.append(w)
    dis = {id(c) for c in wsample(rated, weights, d)}
    for c in rated:
        if id(c) in dis:
            c.rating = "dissatisfied"
        else:
            basic = rng.random() < (0.35 if c.outcome == "educated" else 0.18)
            c.rating = "basically_satisfied" if basic else "satisfied"
        if rng.random() < 0.15:
            c.rated_on = None  # rated without a date: the ledger dates it on the closing day
        else:
            d2 = c.closed + timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 9]))
            c.rated_on = d2 if d2 <= AS_OF else None


# --------------------------------------------------------------------------------------
# Rows and files
# --------------------------------------------------------------------------------------
def fmt(d: date | None) -> str:
    return d.isoformat() if d else ""


def to_row(c: Case) -> dict[str, str]:
    p = c.person
    bypass = "是" if c.bypass else ("否" if rng.random() < 0.6 else "")
    conf = "是" if c.confidential else ("否" if rng.random() < 0.6 else "")
    acc, rej, ext, clo = c.accepted, c.rejected, c.ext_days, c.closed
    return {
        "number": c.number,
        "received_on": fmt(c.received),
        "channel": LABEL["channels"][c.channel],
        "name": p.name,
        "identity": LABEL["identities"].get(p.identity, ""),
        "unit": p.unit,
        "phone": p.phone,
        "id_number": p.idno,
        "persons": str(c.persons),
        "summary": c.summary,
        "content": c.content,
        "nature": LABEL["natures"][c.nature],
        "category": c.limits.name,
        "repeat_of": c.repeat_of.number if c.repeat_of else "",
        "bypass": bypass,
        "confidential": conf,
        "accepted_on": fmt(acc),
        "lead_dept": c.lead if acc else "",
        "co_depts": "、".join(c.co) if acc else "",
        "leader": c.leader if acc else "",
        "rejected_on": fmt(rej),
        "reject_reason": c.reason if rej else "",
        "referral": c.referral if rej else "",
        "extended_days": str(ext) if ext else "",
        "extend_reason": c.ext_reason if ext else "",
        "extended_on": fmt(c.ext_on) if ext else "",
        "extend_approver": c.approver if ext else "",
        "closed_on": fmt(clo),
        "outcome": LABEL["outcomes"][c.outcome] if clo else "",
        "result": c.result if clo else "",
        "aid_yuan": f"{c.aid:.2f}" if c.aid else "",
        "rating": LABEL["ratings"][c.rating] if c.rating else "",
        "rated_on": fmt(c.rated_on) if c.rating else "",
    }


def write_csv(rows: list[dict[str, str]], encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([h for _, h in CASE_COLUMNS])
    for r in rows:
        w.writerow([r.get(k, "") for k, _ in CASE_COLUMNS])
    return buf.getvalue().encode(encoding)


# --------------------------------------------------------------------------------------
# The check: the real CLI imports the files and reports on them
# --------------------------------------------------------------------------------------
def ledger_reports(folder: Path) -> dict[str, Any]:
    """Import both files into a temporary ledger through the CLI; return what it reports."""
    runner = CliRunner()
    env = {"XINFANG_TODAY": AS_OF.isoformat(), "NO_COLOR": "1"}
    db = str(folder / "ledger.db")

    def xf(*args: str) -> str:
        result = runner.invoke(app, ["--db", db, "--by", "示例数据", *args], env=env)
        if result.exit_code != 0:
            error = result.stderr or result.stdout or repr(result.exception)
            sys.exit(f"示例数据未通过检查，未写入文件。xinfang {' '.join(args)}：\n{error}")
        return result.stdout

    def js(*args: str) -> Any:
        return json.loads(xf(*args, "--json"))

    xf("import", str(folder / OUT_SMALL.name))  # GB18030: the importer must recognise it
    xf("import", str(folder / OUT_MAIN.name))  # its first 30 rows are skipped as known
    as_of = ["--as-of", AS_OF.isoformat()]
    return {
        "annual": {y: js("report", "annual", "--year", str(y), *as_of) for y in YEARS},
        "monthly": {
            y: [js("report", "monthly", "--month", f"{y}-{m:02d}", *as_of) for m in range(1, 13)]
            for y in YEARS
        },
        "cases_2025": js("list", "--year", "2025", *as_of),
        "recent": js("list", "--from", RECENT.isoformat(), *as_of),
        "markdown": xf("report", "annual", "--year", "2025", *as_of, "--markdown"),
    }


def alerts(months: list[dict[str, Any]], rule: str) -> set[str]:
    """The cases a monthly report raised an alert on under `rule`, over the year."""
    return {a.get("case", "") for m in months for a in m["alerts"] if rule in a["rules"]}


def topic_halves(months: list[dict[str, Any]]) -> tuple[int, int]:
    """Cases of the seed's topic received in the first and the second half of the year."""
    n = [sum(t["count"] for t in m["hot_topics"] if t["term"] in TOPIC_TERMS) for m in months]
    return sum(n[:6]), sum(n[6:])


def problems(rep: dict[str, Any]) -> list[str]:
    """Every way the ledger's figures differ from the targets (README.md, the seed)."""
    out = []

    def want(what: str, ok: bool, got: Any) -> None:
        if not ok:
            out.append(f"{what}：报表为 {got}")

    for y in YEARS:
        a, months = rep["annual"][y], rep["monthly"][y]
        for key, value in EXPECT[y].items():
            want(f"{y} 年报表 {key} 应为 {value}", a[key] == value, a[key])
        legal = {o["name"]: o["count"] for o in a["by_outcome"]}.get(LABEL["outcomes"]["legal"])
        want(f"{y} 年依法处理应为 2 件", legal == 2, legal)
        want(f"{y} 年应用到全部 9 种信访形式", len(a["by_channel"]) == 9, len(a["by_channel"]))
        sensitive = len(alerts(months, "sensitive"))
        want(f"{y} 年含敏感词的案件应为 3～4 件", 3 <= sensitive <= 4, sensitive)
        frequent = alerts(months, "petitioner")
        want(f"{y} 年应有信访人 90 天内信访 3 次", bool(frequent), frequent)
    a25, months25 = rep["annual"][2025], rep["monthly"][2025]
    shares = {g["name"]: g["pct"] for g in a25["by_group"]}
    for group, share in GROUP_SHARES_2025.items():
        got = shares.get(TAX.groups[group], 0)
        want(f"2025 年{TAX.groups[group]}占比应约为 {share}%", abs(got - share) < 1, got)
    due_soon = months25[11]["due_soon"]
    want("2025 年底临期案件应不少于 3 件", due_soon >= 3, due_soon)
    h1, h2 = topic_halves(months25)
    want("2025 年实验室/自习室诉求应集中在上半年", h1 >= 3 * max(1, h2), (h1, h2))
    big = [Decimal(str(c["aid_yuan"])) for c in rep["cases_2025"] if (c["aid_yuan"] or 0) >= 10000]
    want(
        f"2025 年特殊困难补助应为 3 件、合计 {BIG_AID_2025} 元",
        len(big) == 3 and sum(big) == BIG_AID_2025,
        big,
    )
    states = Counter(c["status"] for c in rep["recent"])
    want(
        f"{RECENT} 以后收到的案件应未办结（部分尚未受理）",
        set(states) == {"registered", "handling"},
        states,
    )
    return out


def summary(rep: dict[str, Any]) -> str:
    """The per-year figures, as the ledger reports them."""
    out = []
    topics = {y: topic_halves(rep["monthly"][y]) for y in YEARS}
    for y in YEARS:
        a = rep["annual"][y]
        change = "" if a["total_change_pct"] is None else f"，同比{a['total_change_pct']:+}%"
        repeat = "" if a["repeat_change_pct"] is None else f"（同比{a['repeat_change_pct']:+}%）"
        sensitive = len(alerts(rep["monthly"][y], "sensitive"))
        out += [
            f"{y}年（截至{AS_OF}）：共{a['total']}件(次){change}；初信初访{a['first_time']}件，"
            f"重复访{a['repeat']}件{repeat}；越级访{a['bypass']}件；集体访{a['collective']}件；"
            f"含敏感词{sensitive}件",
            f"  受理{a['accepted']}件，不予受理{a['not_accepted']}件，办结{a['closed']}件，"
            f"未办结{a['open']}件（超期{a['overdue_open']}件）",
            f"  初信初访一次性办结率{a['one_time_rate_pct']}%（{a['first_time_one_time']}/"
            f"{a['first_time_closed']}），按期办结率{a['on_time_rate_pct']}%，"
            f"及时受理率{a['timely_acceptance_pct']}%",
            f"  满意率{a['satisfaction_pct']}%（满意{a['satisfied']}+基本满意{a['basically_satisfied']}，"
            f"不满意{a['dissatisfied']}，参评{a['rated']}）；帮扶{a['aided']}件，"
            f"金额{a['aid_total_yuan']:.2f}元",
            "  分组："
            + "，".join(f"{g['name']}{g['count']}件({g['pct']}%)" for g in a["by_group"]),
            "  办理结果："
            + "，".join(f"{o['name']}{o['count']}件({o['pct']}%)" for o in a["by_outcome"]),
            "  信访形式：" + "，".join(f"{ch['name']}{ch['count']}" for ch in a["by_channel"]),
            f"  “实验室开放时间/自习室座位”诉求：上半年{topics[y][0]}件，下半年{topics[y][1]}件",
        ]
    before, now = sum(topics[2024]), sum(topics[2025])
    out.append(f"实验室/自习室诉求同比{change_pct(now, before):+}%")
    out.append("2025 年度统计（report annual --markdown）：" + rep["markdown"].splitlines()[0])
    return "\n".join(out)


def main() -> int:
    fill = [t for pool in FILL.values() for t in pool]
    for t in [*fill, *LAB_STUDY, *TITLE]:  # sensitive words only where the script puts them
        assert not any(w in x for x in (t.s, t.c, t.e or "", *t.r) for w in TAX.sensitive_words), (
            t.s
        )
    for t in fill:  # and the seed's topics only in scripted cases
        assert not any(w in t.s + t.c for w in ("职称", *TOPIC_TERMS)), t.s
    assert all(w in TAX.topic_words for w in TOPIC_TERMS)

    years = {}
    for y in YEARS:
        years[y] = build_year(y)
        plan_life(y, years[y])
        wire_repeats(y, years[y])
    tune_open_2025(years[2025])
    for y in YEARS:
        assign_outcomes(years[y])
        assign_ratings(years[y], EXPECT[y]["satisfaction_pct"])
        for c in years[y]:
            if c.accepted and not c.leader and c.life == "extend" and rng.random() < 0.3:
                c.leader = pick(LEADERS)
    rows = sorted(
        (to_row(c) for y in YEARS for c in years[y]), key=lambda r: (r["received_on"], r["number"])
    )
    data = b"\xef\xbb\xbf" + write_csv(rows, "utf-8")
    small = write_csv(rows[:SMALL_ROWS], "gb18030")
    try:
        small.decode("utf-8")
        sys.exit("GB18030 样例文件必须不能按 UTF-8 解码，否则检验不了编码识别。")
    except UnicodeDecodeError:
        pass

    with tempfile.TemporaryDirectory(prefix="xinfang-sample-") as tmp:
        folder = Path(tmp)
        (folder / OUT_MAIN.name).write_bytes(data)
        (folder / OUT_SMALL.name).write_bytes(small)
        rep = ledger_reports(folder)
        if errors := problems(rep):
            sys.exit("示例数据未达到目标指标，未写入文件：\n" + "\n".join(f"- {e}" for e in errors))
        for out in (OUT_MAIN, OUT_SMALL):
            shutil.move(folder / out.name, out)
    print(
        f"写入 {OUT_MAIN.name}（{len(rows)} 行，UTF-8 BOM）与 {OUT_SMALL.name}（{SMALL_ROWS} 行，GB18030）"
    )
    print(summary(rep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
