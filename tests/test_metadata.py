"""Article metadata (URL, date, publisher, headline) from manifests, header blocks, HTML pages and bylines."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.cleaner import clean_document
from ingest.metadata import meta_from_bylines, normalize_date, read_manifest, split_header_block
from ingest.reader import read_file

WIDE = Path(__file__).resolve().parents[2] / "shared" / "wide"

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>望平社区：共建邻里中心_某市人民政府网</title>
<meta name="PubDate" content="2024-05-12 09:30"><meta property="og:url" content="https://www.example.gov.cn/news/a1.html">
</head><body><div class="nav"><a href="/">首页</a> | <a href="/zw">政务公开</a> | <a href="/fw">办事服务</a></div>
<div class="article"><h1>望平社区：共建邻里中心</h1><div class="info">发布时间：2024-05-12 来源：某市日报</div>
<div class="content"><p>近日，成华区猛追湾街道望平社区联合成都市某某科技有限公司开展“邻里节”活动，居民参与热情高涨。</p>
<p>据介绍，望平社区党委与辖区20余家企业签订共建协议，成立社区发展治理基金，推动老旧院落微更新。</p>
<p>下一步，街道将持续深化“党建+”模式，打造更多示范社区，让居民生活更加美好。</p></div></div>
<div class="footer">主办：某市人民政府办公厅 承办：某市大数据中心 蜀ICP备05003309号</div></body></html>"""

BODY = "成华区猛追湾街道望平社区联合成都市某某科技有限公司开展“邻里节”活动。\n社区党委与企业签订共建协议。\n"


@pytest.mark.parametrize("raw, iso", [
    ("2024-05-12 09:30", "2024-05-12"), ("2024年5月2日", "2024-05-02"), ("2023/9/14", "2023-09-14"),
    ("2025-03 (event 3月10日)", "2025-03"), ("发布时间：2021.12.01", "2021-12-01"), ("no date", None), ("2024-13-01", None),
])
def test_dates_come_out_as_iso(raw, iso):
    assert normalize_date(raw) == iso


def test_a_field_must_begin_with_its_date():
    assert normalize_date("not captured (content implies 2017-05)", at_start=True) is None
    assert normalize_date("2023-03 (inferred)", at_start=True) == "2023-03"


def test_a_header_block_is_read_and_cut_off_so_offsets_refer_to_the_body():
    text = "---\ntitle: 望平社区共建邻里中心\nurl: https://example.org/a\n日期: 2024年5月12日\n来源: 某市日报\n---\n" + BODY
    meta, body = split_header_block(text)
    assert body == BODY
    assert (meta.title, meta.url, meta.date, meta.publisher) == ("望平社区共建邻里中心", "https://example.org/a", "2024-05-12", "某市日报")


@pytest.mark.parametrize("text", [BODY, "---\n" + BODY, "---\n不是键值的一行文字\n---\n" + BODY])
def test_text_without_a_header_block_is_left_alone(text):
    meta, body = split_header_block(text)
    assert body == text and meta.url is None and meta.title is None


def test_a_header_block_in_a_file_gives_the_article_its_metadata_and_the_same_id_as_without(tmp_path):
    plain, headed = tmp_path / "plain.txt", tmp_path / "headed.txt"
    plain.write_text(BODY, encoding="utf-8")
    headed.write_text("---\ntitle: 邻里节\nurl: https://example.org/b\ndate: 2024-06-01\npublisher: 某报\n---\n" + BODY, encoding="utf-8")
    a, b = clean_document(read_file(plain)), clean_document(read_file(headed))
    assert a.id == b.id and a.text == b.text
    assert (b.title, b.meta.url, b.meta.date, b.meta.publisher) == ("邻里节", "https://example.org/b", "2024-06-01", "某报")
    assert a.meta.url is None


def test_a_byline_the_cleaner_drops_still_gives_date_and_publisher(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("望平社区共建邻里中心\n发布时间：2024年5月12日 来源：某市日报\n" + BODY, encoding="utf-8")
    article = clean_document(read_file(f))
    assert "来源" not in article.text
    assert (article.meta.date, article.meta.publisher) == ("2024-05-12", "某市日报")
    assert meta_from_bylines(["记者 张三 摄"]).publisher is None


def test_an_html_page_gives_its_body_without_site_chrome_and_its_metadata(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    article = clean_document(read_file(f))
    assert "邻里节" in article.text and "社区发展治理基金" in article.text
    assert "主办：" not in article.text and "ICP" not in article.text and "政务公开" not in article.text
    m = article.meta
    assert (m.title, m.url, m.date, m.publisher) == ("望平社区：共建邻里中心", "https://www.example.gov.cn/news/a1.html", "2024-05-12", "某市日报")
    assert article.title == m.title


def test_a_manifest_beside_a_folder_wins_over_what_the_file_says(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("---\nurl: https://example.org/from-header\n---\n" + BODY, encoding="utf-8")
    (folder / "b.txt").write_text(BODY.replace("望平", "新鸿"), encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,url,date,publisher\na.txt,https://example.org/listed,2022/3/4,某台\n", encoding="utf-8")
    a, b = clean_document(read_file(folder / "a.txt")), clean_document(read_file(folder / "b.txt"))
    assert (a.meta.url, a.meta.date, a.meta.publisher) == ("https://example.org/listed", "2022-03-04", "某台")
    assert b.meta.url is None  # not listed: nothing made up


@pytest.mark.skipif(not (WIDE / "SOURCES.tsv").is_file(), reason="../shared/wide (the wide gold set) is not here")
def test_the_wide_sets_sources_table_is_read_as_a_manifest_for_every_article():
    with open(WIDE / "SOURCES.tsv", encoding="utf-8") as fh:
        rows = {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}
    table = read_manifest(WIDE / "SOURCES.tsv")
    assert set(table) == set(rows)
    for name, row in rows.items():
        article = clean_document(read_file(WIDE / "articles" / name))
        assert article.meta.url == row["url"]
        assert article.meta.publisher == row["publisher"]
        if row["date"][:1].isdigit():
            assert article.meta.date == normalize_date(row["date"]) and article.meta.date[:4] == row["date"][:4]
        else:  # "unknown (…)", "not captured (…)": a note, never read as a date
            assert article.meta.date is None
        if not row["title"].startswith("("):
            assert article.title == row["title"]


def test_the_explorer_cites_an_article_by_date_publisher_and_link(tmp_path):
    """What ingest read from SOURCES.tsv is what the explorer's evidence lists and article page show."""
    from govkg.explorer import edge_evidence, source_markdown
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    if not (WIDE / "SOURCES.tsv").is_file():
        pytest.skip(f"wide set not found at {WIDE}")
    store = SQLiteStore(tmp_path / "g.db")
    Pipeline(store).ingest([WIDE / "articles"])
    articles = {a.id: a for a in store.iter_articles(with_text=False)}
    shown = [ev for e in store.iter_edges() for ev in edge_evidence(store, e.id)]
    assert shown and all((ev.article_date, ev.article_url, ev.article_publisher) ==
                         (articles[ev.article_id].date, articles[ev.article_id].url, articles[ev.article_id].publisher) for ev in shown)
    dated = next(a for a in articles.values() if a.date and a.url and a.publisher)
    line = source_markdown(dated.date, dated.publisher, dated.url)
    assert line.endswith(f"[原文 source]({dated.url})") and dated.date.replace("-", "\\-") in line
    assert source_markdown(None, None, None) == ""
    assert source_markdown(None, "*日报*", "javascript:alert(1)") == "\\*日报\\*"  # no markup, no link but http(s)
    store.close()
