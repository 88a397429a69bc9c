"""A seeded generator of realistic case files at any size (10k, 100k, 1M cases) for `make bench`.

Writes the case-file CSV `xinfang import` reads (Chinese headers, UTF-8 with BOM), cases received
over the years up to AS_OF in realistic shares: the default categories and channels, repeat
petitions of earlier cases by the same petitioner, collective and bypass cases, rejections,
extensions, closures with outcomes and aid, ratings, and a share of cases still open (some of
them late). `--open N` sets how many are left open (the backlog); the rest are finished.

    .venv/bin/python bench/generate.py 100000 /tmp/cases-100k.csv [--open 3000] [--seed 8]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from xinfang_cli.casefile import CASE_COLUMNS
from xinfang_cli.privacy import id_check_char

AS_OF = date(2025, 12, 31)
YEARS = 8

# (category key, lead department, weight, keywords for the summary)
CATEGORIES = (
    ("course", "教务处", 12, ("排课", "教材", "实验室开放时间", "自习室座位", "调课")),
    ("exam", "教务处", 10, ("补考安排", "成绩复核", "阅卷", "绩点计算")),
    ("status", "研究生院", 6, ("学位论文", "转专业", "休学", "延期毕业")),
    ("dorm", "后勤处", 14, ("宿舍热水", "宿舍空调", "水龙头漏水", "床位调整", "宿舍断电")),
    ("canteen", "后勤处", 12, ("食堂饭菜", "菜价", "饭卡", "外卖进校")),
    ("facility", "后勤处", 10, ("路灯", "校车", "停车", "电梯", "噪音")),
    ("aid", "学生工作部", 8, ("助学金", "奖学金评定", "困难补助", "勤工助学")),
    ("career", "招生就业处", 6, ("三方协议", "实习安排", "就业推荐", "档案")),
    ("staff", "人事处", 8, ("职称评聘", "绩效工资", "社保", "聘任合同")),
    ("ethics", "纪委办公室", 3, ("师德", "作风问题", "收受礼品")),
    ("admission", "招生就业处", 5, ("退费", "录取", "住宿费")),
    ("safety", "保卫处", 6, ("门禁", "电动车盗窃", "电信诈骗", "消防通道")),
)
CHANNELS = (
    ("来信", 8),
    ("来访", 15),
    ("来电", 20),
    ("校长信箱", 25),
    ("微信公众号", 12),
    ("智慧校园APP", 10),
    ("领导接待日", 3),
    ("院长书记面对面", 4),
    ("上级转办", 3),
)
IDENTITIES = (("学生", 60), ("教职工", 18), ("离退休", 5), ("家长", 10), ("校友", 3), ("校外", 4))
NATURES = (("建议意见", 35), ("申诉求决", 60), ("检举控告", 5))
OUTCOMES = (("解决到位", 70), ("教育到位", 20), ("帮扶到位", 8), ("依法处理", 2))
RATINGS = (("满意", 70), ("基本满意", 22), ("不满意", 8))
CO_DEPTS = ("财务处", "资产处", "网络信息中心", "团委", "心理健康教育中心", "学生工作部")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉晨雨欣怡浩宇轩"
UNITS = (
    "计算机学院",
    "机械学院",
    "外国语学院",
    "经济学院",
    "法学院",
    "化学学院",
    "数学学院",
    "医学院",
    "艺术学院",
    "物理学院",
)
# The case file's own columns (the package's), less the four a generated ledger leaves empty.
HEADERS = tuple(
    header
    for key, header in CASE_COLUMNS
    if key not in ("referral", "extend_approver", "voided_on", "void_reason")
)


def _weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


def id_number(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check_char(body)


class Petitioner:
    __slots__ = ("name", "identity", "unit", "phone", "id_number", "cases")

    def __init__(self, rng: random.Random) -> None:
        identities, weights = _weighted(IDENTITIES)
        self.identity = rng.choices(identities, weights)[0]
        self.name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        self.unit = rng.choice(UNITS) if self.identity in ("学生", "教职工") else ""
        self.phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        self.id_number = id_number(rng) if rng.random() < 0.3 else ""
        self.cases: list[tuple[str, date]] = []


def generate(size: int, out: Path, *, open_cases: int | None = None, seed: int = 8) -> int:
    """Write `size` cases to `out`; returns how many were left open."""
    rng = random.Random(seed)
    if open_cases is None:
        open_cases = max(300, size * 3 // 100)
    categories = [c[0] for c in CATEGORIES]
    cat_weights = [c[2] for c in CATEGORIES]
    by_key = {c[0]: c for c in CATEGORIES}
    channels, channel_weights = _weighted(CHANNELS)
    natures, nature_weights = _weighted(NATURES)
    outcomes, outcome_weights = _weighted(OUTCOMES)
    ratings, rating_weights = _weighted(RATINGS)
    petitioners = [Petitioner(rng) for _ in range(max(50, size // 3))]
    first_day = date(AS_OF.year - YEARS + 1, 1, 1)
    span = (AS_OF - first_day).days + 1
    # received dates in order; the open ones are the latest (a backlog of recent years)
    days = sorted(rng.randrange(span) for _ in range(size))
    open_from = size - open_cases
    seq: dict[int, int] = {}
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for index, day in enumerate(days):
            received = first_day + timedelta(days=day)
            seq[received.year] = seq.get(received.year, 0) + 1
            number = f"XF{received.year}-{seq[received.year]:05d}"
            person = rng.choice(petitioners)
            anonymous = rng.random() < 0.15
            category = rng.choices(categories, cat_weights)[0]
            _, lead, _, words = by_key[category]
            topic = rng.choice(words)
            nature = rng.choices(natures, nature_weights)[0]
            repeat_of = ""
            if person.cases and not anonymous and rng.random() < 0.35:
                repeat_of = person.cases[-1][0]
            persons = rng.choice((5, 6, 8, 12)) if rng.random() < 0.02 else 1
            row = [
                number,
                received.isoformat(),
                rng.choices(channels, channel_weights)[0],
                "" if anonymous else person.name,
                person.identity,
                "" if anonymous else person.unit,
                "" if anonymous else person.phone,
                "" if anonymous else person.id_number,
                str(persons),
                f"反映{topic}问题",
                f"{person.unit or '本人'}反映{topic}方面的问题，希望学校尽快协调解决。",
                nature,
                category if rng.random() > 0.03 else "",
                repeat_of,
                "是" if rng.random() < 0.02 else "",
                "",
            ]
            life = ["" for _ in range(15)]
            is_open = index >= open_from
            roll = rng.random()
            if roll < 0.05 and not is_open:  # 不予受理
                life[4] = (received + timedelta(days=rng.randrange(1, 12))).isoformat()
                life[5] = "属于劳动仲裁受理范围，已告知信访人依法申请仲裁"
            elif not (is_open and roll < 0.3):  # accepted (a third of the open are not yet)
                accepted = received + timedelta(days=rng.randrange(0, 14))
                if accepted > AS_OF:
                    accepted = received
                life[0] = accepted.isoformat()
                life[1] = lead
                if rng.random() < 0.1:
                    life[2] = rng.choice(CO_DEPTS)
                if rng.random() < 0.05:
                    life[3] = "分管副校长"
                extended = rng.random() < 0.03
                if extended:
                    life[6] = str(rng.choice((15, 30)))
                    life[7] = "涉及多个部门，需进一步调查核实"
                if not is_open:
                    late = rng.random() < 0.04
                    closed = accepted + timedelta(
                        days=rng.randrange(61, 80) if late else rng.randrange(1, 55)
                    )
                    if closed > AS_OF:
                        closed = AS_OF
                    life[9] = closed.isoformat()
                    outcome = rng.choices(outcomes, outcome_weights)[0]
                    life[10] = outcome
                    life[11] = f"已协调{lead}处理{topic}问题并答复信访人。"
                    if outcome == "帮扶到位":
                        life[12] = str(rng.choice((500, 1000, 2000, 3000)))
                    if rng.random() < 0.7:
                        life[13] = rng.choices(ratings, rating_weights)[0]
            writer.writerow(row + life)
            if not anonymous:
                person.cases.append((number, received))
    return open_cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--open", type=int, default=None, dest="open_cases")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    left = generate(args.size, args.out, open_cases=args.open_cases, seed=args.seed)
    print(f"{args.size} cases ({left} open) → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
