"""Archive search: FTS5 over a real SQLite store filled through the Store API.

Chinese, English and mixed queries, date / domain / language filters, ranking, snippets,
FTS syntax in queries, and the index following the store (refresh_index).
"""

import json
import os
import subprocess
import sys

import pytest
from archive_data import add_day, make_store, save, zh_report

from paperbrief.search import index_text, parse_query, refresh_index, search, site_tokens, top_domain


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "pb.db")
    refresh_index(s)
    yield s
    s.close()


def ids(hits):
    return [h.arxiv_id for h in hits]


def marked(hit):
    return [hit.snippet[s:e] for s, e in hit.highlights]


def test_chinese_query_finds_chinese_text_without_spaces(store):
    hits = search(store, "投机解码")
    assert ids(hits) == ["2602.00001"]
    assert hits[0].lang == "zh" and hits[0].date == "2026-02-06"
    assert "投机解码" in marked(hits[0])
    assert hits[0].marked().count("**投机解码**") == 1


def test_english_query_finds_the_same_paper(store):
    hits = search(store, "speculative decoding")
    assert ids(hits)[0] == "2602.00001"
    assert any("speculative decoding" in m.lower() for m in marked(hits[0]))


def test_two_character_and_one_character_chinese_queries(store):
    two = ids(search(store, "解码"))
    assert set(two) == {"2602.00001", "2602.03333"}
    one = ids(search(store, "码"))
    assert set(one) == {"2602.00001", "2602.03333"}
    # A word in the middle of a run is found too (no spaces in Chinese text).
    assert ids(search(store, "草稿树")) == ["2602.00001"]


def test_mixed_query_needs_every_term(store):
    assert ids(search(store, "推理 speculative")) == ["2602.00001"]
    assert ids(search(store, "扩散策略 dexterous")) == ["2602.01111"]
    assert ids(search(store, "扩散 retrieval")) == []  # each term matches a paper, never both the same


def test_title_hits_rank_above_body_hits(store):
    hits = search(store, "diffusion")
    assert ids(hits) == ["2602.01111", "2602.05293"]  # title vs. abstract only
    assert hits[0].score > hits[1].score > 0


def test_one_hit_per_paper_even_with_reports_in_two_languages(store):
    hits = search(store, "draft trees")
    assert ids(hits) == ["2602.00001"]
    both = search(store, "draft", lang="en")
    assert [h.lang for h in both] == ["en"]
    assert [h.lang for h in search(store, "草稿树", lang="zh")] == ["zh"]


def test_papers_without_a_report_and_failed_papers_are_searchable(store):
    pending = search(store, "registers")
    assert ids(pending) == ["2602.05555"] and pending[0].lang == ""
    assert ids(search(store, "corrupt")) == ["2602.04444"]


def test_date_filters(store):
    assert ids(search(store, "解码", date_from="2026-02-07")) == ["2602.03333"]
    assert ids(search(store, "解码", date_to="2026-02-07")) == ["2602.00001"]
    assert ids(search(store, "解码", date_from="2026-02-06", date_to="2026-02-06")) == ["2602.00001"]
    assert search(store, "解码", date_from="2026-02-09") == []


def test_domain_filter(store):
    everywhere = set(ids(search(store, "加速")))
    assert {"2602.00001", "2602.05293", "2602.03333"} <= everywhere
    assert ids(search(store, "加速", domain="计算机视觉")) == ["2602.05293"]
    assert ids(search(store, "retrieval", domain="natural language")) == ["2602.02222"]


def test_empty_result(store):
    assert search(store, "量子纠错") == []
    assert search(store, "quantum error correction") == []
    assert search(store, "   ") == []


@pytest.mark.parametrize("query", [
    '"', "'", "*", "(", ")", "-", ":", "^", "OR", "AND", "NOT", "NEAR", "NEAR(", "a OR", "( OR )", '"unterminated',
    "it's", "-decoding", "title:draft", "^draft", "draft*", "NEAR(draft trees)", '"投机解码', "投机*解码", "{draft}",
    "draft + trees", "a:b:c", "\\", "%", "_",
])
def test_fts_syntax_in_a_query_never_crashes(store, query):
    hits = search(store, query)
    assert isinstance(hits, list)
    words = [w for w in query.replace('"', " ").split() if any(ch.isalpha() for ch in w)]
    if any(w.strip("-:^*(){}'") in ("draft", "decoding", "投机解码", "投机*解码") for w in words):
        assert "2602.00001" in ids(hits), query


def test_operators_are_searched_as_words_not_syntax(store):
    # "draft OR registers" would match two papers as an FTS expression; quoted, OR is a word.
    assert parse_query("draft OR registers").fts == '"draft" AND "or" AND "registers"'
    assert search(store, "draft OR registers") == []


def test_query_translation():
    assert parse_query("投机解码").fts == '"投机 机解 解码"'
    assert parse_query("码").fts == '"码" *'
    assert parse_query("GPT-4o推理").fts == '"推理" AND "gpt 4o"'
    assert parse_query('" * ( ) - : ^').fts == ""
    assert index_text("投机解码（Speculative）").split() == ["投机", "机解", "解码", "码", "（Speculative）"]
    assert site_tokens("投机解码 Speculative") == {"投机", "机解", "解码", "speculative"}


def test_top_domain():
    assert top_domain("计算机视觉 - 单视图 3D 重建 (Single-View)") == "计算机视觉"
    assert top_domain("Natural Language Processing - Retrieval") == "Natural Language Processing"
    assert top_domain("自然语言处理（NLP）") == "自然语言处理"
    assert top_domain("机器人学/模仿学习") == "机器人学"
    assert top_domain("") == ""


def test_index_follows_the_store(store):
    assert refresh_index(store) == 0  # nothing changed
    assert search(store, "experts") == []
    add_day(store)
    assert refresh_index(store) == 1
    assert ids(search(store, "mixture of experts")) == ["2602.09999"]
    assert ids(search(store, "混合专家")) == ["2602.09999"]
    # The pending paper gets its report: the paper-only document is replaced by the report's.
    pending = store.get_paper("2602.05555")
    save(store, pending, zh_report("计算机视觉 - 表征学习", "为视觉 Transformer 重新引入寄存器词元。",
                                   "寄存器词元（Register Tokens）", "ImageNet 上提升 0.8 个点。"))
    assert refresh_index(store) == 1
    hits = search(store, "寄存器")
    assert ids(hits) == ["2602.05555"] and hits[0].lang == "zh"
    rows = store.query("SELECT lang FROM search_docs WHERE arxiv_id = '2602.05555'")
    assert [r["lang"] for r in rows] == ["zh"]
    store.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")


def test_full_refresh_repairs_a_damaged_index(store):
    doc_id = store.query("SELECT id FROM search_docs WHERE arxiv_id = '2602.05293'")[0]["id"]
    with store.transaction() as c:
        c.execute("DELETE FROM search_fts WHERE rowid = ?", (doc_id,))
        c.execute("DELETE FROM search_docs WHERE id = ?", (doc_id,))
    assert search(store, "Fast-SAM3D") == []
    assert refresh_index(store) == 0  # nothing in the store changed
    assert refresh_index(store, full=True) == 1  # every paper checked, only the missing one written
    assert ids(search(store, "Fast-SAM3D")) == ["2602.05293"]


def test_a_newer_report_replaces_the_old_text(store):
    spec = store.get_paper("2602.00001")
    save(store, spec, zh_report("自然语言处理 - 推理加速", "用前瞻解码（Lookahead Decoding）替代草稿模型。",
                                "前瞻窗口（Lookahead Window）", "加速 1.8 倍。"))
    refresh_index(store)
    assert ids(search(store, "前瞻解码")) == ["2602.00001"]
    assert search(store, "投机解码", lang="zh") == []


def _cli(tmp_path, *args):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {**os.environ, "PAPERBRIEF_HOME": str(tmp_path / "home"), "PAPERBRIEF_CONFIG": str(config),
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "paperbrief", *args], capture_output=True, text=True, env=env,
                          encoding="utf-8", timeout=60)


def test_cli_search_json_and_errors(tmp_path):
    missing = _cli(tmp_path, "search", "投机解码")
    assert missing.returncode == 2 and "no database" in missing.stderr and "paperbrief run" in missing.stderr
    make_store(tmp_path / "home" / "paperbrief.db").close()

    res = _cli(tmp_path, "search", "投机解码", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert [d["arxiv_id"] for d in data] == ["2602.00001"]
    assert {"date", "arxiv_id", "title", "snippet", "score", "domain", "lang"} <= set(data[0])
    assert "**投机解码**" in data[0]["snippet"] and data[0]["date"] == "2026-02-06"

    res = _cli(tmp_path, "search", "解码", "--from", "2026-02-07", "--domain", "推理", "--json")
    assert [d["arxiv_id"] for d in json.loads(res.stdout)] == ["2602.03333"]

    table = _cli(tmp_path, "search", "speculative decoding")
    assert table.returncode == 0 and "2602.00001" in table.stdout and "Speculative Decoding" in table.stdout

    for bad, words in ((["--from", "2026-13-01"], "--from"), (["--from", "2026-02-09", "--to", "2026-02-01"], "swap")):
        res = _cli(tmp_path, "search", "x", *bad)
        assert res.returncode == 2 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = _cli(tmp_path, "search", '"(*')
    assert res.returncode == 2 and "nothing to search for" in res.stderr
    assert json.loads(_cli(tmp_path, "search", "量子纠错", "--json").stdout) == []


def test_bold_numbers_are_indexed_as_plain_text():
    from paperbrief.models import Innovation, LabeledText, Report
    from paperbrief.search import report_fields

    fields = report_fields(Report(
        domain="视觉", contribution="加速 **2.67×**", usage=[LabeledText(label="输入", text="一张图像")],
        innovations=[Innovation(name="步进缓存", detail="**两步**复用一次")],
        results=[LabeledText(label="效果", text="F-Score **92.59**"), LabeledText(label="速度", text="快 2 倍")]))
    assert fields["contribution"] == "加速 2.67×" and fields["results"] == "效果: F-Score 92.59\n速度: 快 2 倍"
    assert fields["usage"] == "输入: 一张图像" and fields["innovations"] == "步进缓存: 两步复用一次"
    assert report_fields(None) == dict.fromkeys(("domain", "contribution", "usage", "innovations", "results"), "")
