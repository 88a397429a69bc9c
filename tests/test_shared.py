"""Several clerks with accounts of their own on one SQLite ledger (`init --shared GROUP`), and
`doctor`. The tests with real Unix users need root (CI runs as root): they create a group and
three users (two clerks in the group, one outside it) with unique names, run xinfang as each of
them, and remove them again."""

from __future__ import annotations

import compileall
import grp
import json
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Run, dump, ok
from xinfang_cli.migrations import HEAD_REVISION

Xf = Callable[..., Run]
ADD = ("add", "--received", "2025-03-01", "--channel", "来访", "--summary")


# --- without root: what any account can check ------------------------------------------------
def test_by_someone_else_keeps_both_the_name_and_the_account(xf: Xf) -> None:
    account = pwd.getpwuid(os.geteuid()).pw_name
    ok(xf("--by", "李主任", *ADD, "宿舍漏水"))
    history = ok(xf("history", "XF2025-0001")).stdout
    assert f"李主任（{account}）" in history
    ok(xf("--by", account, "assign", "XF2025-0001", "--dept", "后勤处", "--on", "2025-03-02"))
    history = ok(xf("history", "XF2025-0001")).stdout
    assert f"{account}（{account}）" not in history  # the account itself is said once


def test_unknown_group_and_server_ledger_are_refused(xf: Xf, tmp_path: Path) -> None:
    target = tmp_path / "office" / "ledger.db"
    r = xf("init", "--shared", "no-such-group-xf", db=target)
    assert r.exit_code == 2 and "没有名为“no-such-group-xf”的用户组" in r.stderr
    assert "groupadd no-such-group-xf" in r.stderr and not target.parent.exists()
    r = xf("init", "--shared", "users", db="postgresql+psycopg://clerk:secret@db.example/xf")
    assert r.exit_code == 2 and "只适用于 SQLite" in r.stderr and "secret" not in r.stderr


def test_doctor_on_a_healthy_private_ledger(xf: Xf, ledger_path: Path) -> None:
    ok(xf("init"))
    r = xf("doctor")
    assert r.exit_code == 0, r.stdout
    assert f"账本位置：{ledger_path}（来自命令行选项 --db）" in r.stdout
    assert "权限 0600（仅属主可读写：一人使用）" in r.stdout
    assert f"结构版本：{HEAD_REVISION}（本版本 xinfang 的最新结构）" in r.stdout
    assert "节假日数据：覆盖今后 90 天" in r.stdout
    assert "✗" not in r.stdout


def test_doctor_says_whether_a_newer_xinfang_wrote_the_ledger(xf: Xf, ledger_path: Path) -> None:
    ok(xf("init"))
    con = sqlite3.connect(ledger_path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    r = xf("doctor")
    assert r.exit_code == 1 and "9999：由更新版本的 xinfang 写入" in r.stdout
    assert "修复：升级 xinfang" in r.stdout
    con = sqlite3.connect(ledger_path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.close()
    r = xf("doctor")  # an older ledger is fine: it is brought up to date when next opened
    assert r.exit_code == 0 and f"0001：下次打开时将自动升级到 {HEAD_REVISION}" in r.stdout


def test_doctor_on_a_missing_ledger_says_how_to_make_it(xf: Xf, tmp_path: Path) -> None:
    target = tmp_path / "nowhere.db"
    r = xf("doctor", db=target)
    assert r.exit_code == 1 and f"xinfang --db {target} init" in r.stdout
    assert not target.exists()


def test_a_ledger_everyone_may_read_is_warned_about_on_every_command(
    xf: Xf, ledger_path: Path
) -> None:
    ok(xf(*ADD, "宿舍漏水"))
    ledger_path.chmod(0o644)
    for args in (("list",), ("show", "XF2025-0001"), ("verify",)):
        r = ok(xf(*args))
        assert f"本机任何用户都能读取其中的个人信息。请运行：chmod 600 {ledger_path}" in r.stderr
    r = xf("doctor")
    assert r.exit_code == 1 and f"修复：chmod 600 {ledger_path}" in r.stdout
    ledger_path.chmod(0o600)
    assert "警告" not in ok(xf("list")).stderr


def test_doctor_flags_missing_holiday_data_only_when_working_days_are_used(
    xf: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINFANG_TODAY", "2031-06-01")  # no holiday data ships for 2031
    ok(xf("init"))
    r = xf("doctor")
    assert r.exit_code == 0 and "本账本按自然日计算期限，不受影响" in r.stdout
    working = tmp_path / "working.toml"
    source = xf("taxonomy", "export", str(tmp_path / "t.toml"))
    assert source.exit_code == 0
    text = (tmp_path / "t.toml").read_text(encoding="utf-8")
    working.write_text(text.replace('day_mode = "calendar"', 'day_mode = "working"', 1), "utf-8")
    ok(xf("taxonomy", "load", str(working)))
    r = xf("doctor")
    assert r.exit_code == 1 and "2031 年尚无节假日数据" in r.stdout and "[calendar]" in r.stdout


# --- with real Unix users (root) ------------------------------------------------------------
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="需要 root：这些测试要创建 Unix 用户和用户组（CI 以 root 运行）"
)

HOLDER = """
import sys
from sqlmodel import select
from xinfang_cli.ledger import open_ledger
from xinfang_cli.models import Case

ledger = open_ledger(sys.argv[1], actor="读者", create=False)
with ledger.reading() as session:
    print(len(list(session.exec(select(Case)))), flush=True)
    sys.stdin.readline()  # holds the read (and the ledger open) until told to stop
"""


@dataclass
class Office:
    """A group, two clerks in it, one account outside it, and a way to run xinfang as each."""

    group: str
    gid: int
    clerk1: str
    clerk2: str
    outsider: str
    python: str
    runtime: Path
    base: Path  # a directory every account may enter (sticky, like /tmp)

    def env(self) -> dict[str, str]:
        return {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.runtime),
            "PYTHONDONTWRITEBYTECODE": "1",
            "XINFANG_TODAY": "2025-12-31",
            "XINFANG_SYSTEM_CONFIG": str(self.base / "no-system-config.toml"),
            "XDG_CONFIG_HOME": str(self.base / "no-config"),
            "NO_COLOR": "1",
            "COLUMNS": "160",
        }

    def command(self, user: str, *argv: str) -> list[str]:
        env = [f"{k}={v}" for k, v in self.env().items()]
        return ["runuser", "-u", user, "--", "env", "-i", *env, self.python, *argv]

    def run(self, user: str, *args: str, db: Path | str) -> Run:
        proc = subprocess.run(
            self.command(user, "-m", "xinfang_cli", "--db", str(db), *args),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd="/",
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def root(self, *args: str, db: Path | str) -> Run:
        """xinfang as root (the administrator, or a root cron job), in a separate process."""
        proc = subprocess.run(
            [sys.executable, "-m", "xinfang_cli", "--db", str(db), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd="/",
            env={**os.environ, **{k: v for k, v in self.env().items() if k != "PYTHONPATH"}},
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)


def _runtime_copy(target: Path) -> None:
    """xinfang and its runtime dependencies, copied where every account may read them (the
    checkout and its .venv may sit under /root, which other accounts cannot enter)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    import xinfang_cli

    seen: set[str] = set()
    todo = [Requirement(r) for r in distribution("xinfang-cli").requires or []]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = req.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            continue
        root = Path(str(dist.locate_file("")))
        for file in dist.files or []:
            source = Path(str(dist.locate_file(file)))
            try:
                relative = source.resolve().relative_to(root.resolve())
            except ValueError:
                continue  # scripts in bin/ and the like
            if source.is_file():
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / relative)
        todo += [Requirement(r) for r in dist.requires or []]
    package = Path(xinfang_cli.__file__).parent
    shutil.copytree(package, target / "xinfang_cli")
    # compiled here (what is not already): the accounts cannot write __pycache__ themselves
    compileall.compile_dir(target, quiet=1, workers=0)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _python_for(user: str) -> str:
    """An interpreter `user` may run with the same version as the one running the tests."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [os.path.realpath(sys.executable), f"/usr/bin/python{version}"]
    candidates.append(f"/usr/local/bin/python{version}")
    for candidate in candidates:
        probe = subprocess.run(
            [
                "runuser",
                "-u",
                user,
                "--",
                candidate,
                "-c",
                "import sys; print(sys.version_info[:2])",
            ],
            capture_output=True,
            text=True,
            cwd="/",
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(sys.version_info[:2]):
            return candidate
    pytest.fail(f"no Python {version} that an ordinary account may run (tried {candidates})")


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


@pytest.fixture(scope="module")
def office() -> Iterator[Office]:
    if os.geteuid() != 0:
        pytest.skip("需要 root：这些测试要创建 Unix 用户和用户组（CI 以 root 运行）")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        assert shutil.which(tool), f"{tool} is missing: the shared-ledger tests cannot run"
    tag = uuid.uuid4().hex[:6]
    group, users = f"xfo{tag}", [f"xfa{tag}", f"xfb{tag}", f"xfc{tag}"]
    base = Path(tempfile.mkdtemp(prefix="xinfang-office-", dir="/tmp"))
    base.chmod(0o1777)
    made: list[str] = []
    try:
        _sh("groupadd", group)
        for user in users:
            extra = ["-G", group] if user != users[2] else []
            _sh("useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", *extra, user)
            made.append(user)
        runtime = base / "runtime"
        runtime.mkdir()
        _runtime_copy(runtime)
        (base / "no-config").mkdir(mode=0o755)
        yield Office(
            group=group,
            gid=grp.getgrnam(group).gr_gid,
            clerk1=users[0],
            clerk2=users[1],
            outsider=users[2],
            python=_python_for(users[0]),
            runtime=runtime,
            base=base,
        )
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def mode(path: Path) -> tuple[str, str, str]:
    st = path.stat()
    return (
        pwd.getpwuid(st.st_uid).pw_name,
        grp.getgrgid(st.st_gid).gr_name,
        f"{stat.S_IMODE(st.st_mode):o}",
    )


def numbers(run: Run) -> list[str]:
    assert run.exit_code == 0, run.stderr
    return [case["number"] for case in json.loads(run.stdout)]


@needs_root
def test_two_clerks_share_a_ledger_and_an_outsider_stays_out(office: Office) -> None:
    o = office
    directory = o.base / f"office-{uuid.uuid4().hex[:6]}"
    ledger = directory / "ledger.db"

    # the first clerk makes the shared ledger (and its directory)
    r = o.run(o.clerk1, "init", "--shared", o.group, db=ledger)
    assert r.exit_code == 0, r.stderr
    assert (
        f"已创建目录 {directory}（2770）" in r.stderr
        and f"用户组 {o.group} 共用，权限 0660" in r.stderr
    )
    assert mode(directory) == (o.clerk1, o.group, "2770")
    assert mode(ledger) == (o.clerk1, o.group, "660")

    # the first clerk reads (holding the ledger open) while the second adds and lists
    holder = subprocess.Popen(
        o.command(o.clerk1, "-c", HOLDER, str(ledger)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd="/",
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "0", holder.stderr
        started = time.perf_counter()
        r = o.run(o.clerk2, "--by", "李主任", *ADD, "宿舍漏水", db=ledger)
        assert r.exit_code == 0, r.stderr
        assert r.stdout.strip() == "XF2025-0001"
        assert time.perf_counter() - started < 30
        assert numbers(o.run(o.clerk2, "list", "--json", db=ledger)) == ["XF2025-0001"]
        # the -wal and -shm the first clerk's open made are the group's, and the second wrote them
        for side in ("-wal", "-shm"):
            assert mode(Path(f"{ledger}{side}")) == (o.clerk1, o.group, "660"), side
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=60) == 0, holder.stderr.read() if holder.stderr else ""
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()

    r = o.run(o.clerk1, *ADD, "食堂涨价", db=ledger)
    assert r.exit_code == 0 and r.stdout.strip() == "XF2025-0002", r.stderr
    assert numbers(o.run(o.clerk1, "list", "--json", db=ledger)) == ["XF2025-0001", "XF2025-0002"]
    history = o.run(o.clerk1, "history", "XF2025-0001", db=ledger).stdout
    assert f"李主任（{o.clerk2}）" in history  # which account did it, beside the name given

    # after both have written: the modes are still the shared ones
    assert mode(ledger) == (o.clerk1, o.group, "660")
    assert mode(directory) == (o.clerk1, o.group, "2770")
    for side in ("-wal", "-shm"):
        path = Path(f"{ledger}{side}")
        if path.exists():
            assert mode(path)[1:] == (o.group, "660"), side

    # the outsider is refused, with the fix; nothing changes
    before = dump(ledger)
    for args in (("list",), (*ADD, "外人"), ("init", "--shared", o.group)):
        r = o.run(o.outsider, *args, db=ledger)
        assert r.exit_code == 2, (args, r.stderr)
        assert "没有权限" in r.stderr or "不在用户组" in r.stderr, r.stderr
        assert f"usermod -aG {o.group} {o.outsider}" in r.stderr, r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert dump(ledger) == before

    # doctor: healthy for a clerk
    r = o.run(o.clerk2, "doctor", db=ledger)
    assert r.exit_code == 0, r.stdout
    assert f"{o.clerk1}:{o.group}，权限 0660（用户组 {o.group} 共用）" in r.stdout
    assert f"{o.clerk2} 可以读写账本" in r.stdout

    # a ledger put back to 0600 (as a hand-made copy or an old backup would): doctor says how
    ledger.chmod(0o600)
    fix = f"chgrp {o.group} {ledger} && chmod 660 {ledger}"
    r = o.root("doctor", db=ledger)
    assert r.exit_code == 1 and f"修复：{fix}" in r.stdout, r.stdout
    r = o.run(o.clerk2, "list", db=ledger)
    assert r.exit_code == 2 and "没有权限" in r.stderr and fix in r.stderr
    r = o.run(o.clerk2, "doctor", db=ledger)
    assert r.exit_code == 1 and fix in r.stdout


@needs_root
def test_backups_are_the_groups_and_restore_keeps_owner_group_and_mode(office: Office) -> None:
    o = office
    directory = o.base / f"office-{uuid.uuid4().hex[:6]}"
    ledger = directory / "ledger.db"
    backups = o.base / f"backups-{uuid.uuid4().hex[:6]}"
    backups.mkdir()
    os.chown(backups, -1, o.gid)
    backups.chmod(0o2750)  # the clerks may read the backups, not write there
    assert o.run(o.clerk1, "init", "--shared", o.group, db=ledger).exit_code == 0
    for summary in ("宿舍漏水", "食堂涨价"):
        assert o.run(o.clerk2, *ADD, summary, db=ledger).exit_code == 0

    # the administrator's (root's) nightly backup: readable by the group, written by nobody
    r = o.root("backup", str(backups), "--keep", "7", db=ledger)
    assert (r.exit_code, r.stderr) == (0, "")
    (backup,) = backups.iterdir()
    assert mode(backup) == ("root", o.group, "640")
    # a clerk may not write there: one Chinese line, not the argument parser's English
    r = o.run(o.clerk2, "backup", str(backups), db=ledger)
    assert r.exit_code == 2 and f"无法写入备份目录 {backups}：没有权限" in r.stderr, r.stderr
    # a clerk opens it with --db, read-only, leaving nothing beside it
    assert numbers(o.run(o.clerk2, "list", "--json", db=backup)) == ["XF2025-0001", "XF2025-0002"]
    assert sorted(p.name for p in backups.iterdir()) == [backup.name]
    r = o.run(o.outsider, "list", db=backup)  # not the outsider
    assert r.exit_code == 2 and f"usermod -aG {o.group} {o.outsider}" in r.stderr, r.stderr

    assert o.run(o.clerk2, *ADD, "备份后", db=ledger).exit_code == 0
    r = o.root("restore", str(backup), db=ledger)
    assert r.exit_code == 0, r.stderr
    assert mode(ledger) == (o.clerk1, o.group, "660")
    assert f"属主 {o.clerk1}、用户组 {o.group}、权限 0660（与原账本相同）" in r.stderr
    # the clerks go on where they were, without reusing XF2025-0003
    r = o.run(o.clerk2, *ADD, "恢复后", db=ledger)
    assert r.exit_code == 0 and r.stdout.strip() == "XF2025-0004", r.stderr
    assert o.run(o.clerk1, "verify", db=ledger).exit_code == 0
    # the set-aside ledger is kept, and still the group's
    (aside,) = [p for p in directory.iterdir() if p.name.endswith(tuple("0123456789"))]
    assert mode(aside) == (o.clerk1, o.group, "660")


@needs_root
def test_a_new_ledger_in_a_shared_directory_is_shared_without_being_asked(office: Office) -> None:
    o = office
    directory = o.base / f"office-{uuid.uuid4().hex[:6]}"
    directory.mkdir()
    os.chown(directory, -1, o.gid)
    directory.chmod(0o2770)
    ledger = directory / "ledger.db"
    r = o.run(o.clerk2, *ADD, "宿舍漏水", db=ledger)  # no init: the first write makes it
    assert r.exit_code == 0 and f"已新建账本 {ledger}" in r.stderr, r.stderr
    assert mode(ledger) == (o.clerk2, o.group, "660")
    assert o.run(o.clerk1, *ADD, "食堂涨价", db=ledger).stdout.strip() == "XF2025-0002"


@needs_root
def test_init_shared_refuses_what_it_cannot_make_right(office: Office) -> None:
    o = office
    # a directory that is not the group's: the exact fix, nothing made
    directory = o.base / f"plain-{uuid.uuid4().hex[:6]}"
    directory.mkdir(mode=0o755)
    r = o.root("init", "--shared", o.group, db=directory / "ledger.db")
    assert r.exit_code == 2
    assert f"chgrp {o.group} {directory} && chmod 2770 {directory}" in r.stderr
    assert list(directory.iterdir()) == []
    # a clerk who is not in the group cannot give a ledger to it
    fresh = o.base / f"fresh-{uuid.uuid4().hex[:6]}"
    r = o.run(o.outsider, "init", "--shared", o.group, db=fresh / "ledger.db")
    assert r.exit_code == 2 and f"不在用户组 {o.group} 中" in r.stderr
    assert not fresh.exists()
    # an existing private ledger is given to the group by init --shared
    own = o.base / f"own-{uuid.uuid4().hex[:6]}"
    own.mkdir()
    os.chown(own, pwd.getpwnam(o.clerk1).pw_uid, o.gid)
    own.chmod(0o2770)
    ledger = own / "ledger.db"
    assert o.run(o.clerk1, "init", db=ledger).exit_code == 0
    ledger.chmod(0o600)
    r = o.run(o.clerk1, "init", "--shared", o.group, db=ledger)
    assert r.exit_code == 0 and "已改为用户组" in r.stderr, r.stderr
    assert mode(ledger) == (o.clerk1, o.group, "660")


@needs_root
def test_an_unreadable_system_config_is_an_error_not_a_silent_default(office: Office) -> None:
    o = office
    config = o.base / f"config-{uuid.uuid4().hex[:6]}.toml"
    config.write_text('db = "/srv/xinfang/ledger.db"\n', encoding="utf-8")
    config.chmod(0o600)  # root's only
    proc = subprocess.run(
        ["runuser", "-u", o.clerk1, "--", "env", "-i"]
        + [f"{k}={v}" for k, v in {**o.env(), "XINFANG_SYSTEM_CONFIG": str(config)}.items()]
        + [o.python, "-m", "xinfang_cli", "list"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert proc.returncode == 2 and f"chmod 644 {config}" in proc.stderr, proc.stderr
