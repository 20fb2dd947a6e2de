"""Reading files in real-world encodings and cleaning newspaper/OCR artifacts."""

from pathlib import Path

import pytest

from govkg.errors import InputError
from ingest.cleaner import clean_document
from ingest.model import RawDocument
from ingest.reader import Skipped, decode_bytes, read_file, read_paths

TEXT = "成华区保和街道迎晖社区打造“共享食堂”，为老人提供午餐。\n\n社区还引入了社会组织。"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-8"])
def test_decodes_common_chinese_encodings(tmp_path, encoding):
    f = tmp_path / f"a_{encoding}.txt"
    f.write_bytes(TEXT.encode(encoding))
    doc = read_file(f)
    assert doc.text.replace("\ufeff", "") == TEXT


def test_utf8_with_a_few_invalid_bytes_keeps_the_text():
    data = TEXT.encode("utf-8") + b"\xff\xfe\x80" + "结束。".encode("utf-8")
    text, enc = decode_bytes(data)
    assert enc == "utf-8(replaced)" and text.startswith(TEXT) and text.endswith("结束。")


@pytest.mark.parametrize("data, words", [(b"", "empty"), (b"   \n ", "empty"), (bytes(range(256)) * 10, "binary")])
def test_empty_and_binary_files_get_a_clear_error(tmp_path, data, words):
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    with pytest.raises(InputError, match=words):
        read_file(f)


def test_html_page_loses_navigation_and_scripts(tmp_path):
    html = """<!DOCTYPE html><html><head><title>t</title><script>var x='首页';</script></head><body>
    <nav><a>首页</a><a>登录</a></nav><div class="content"><p>成华区保和街道迎晖社区打造“共享食堂”。</p>
    <p>社区引入四川蜀味餐饮有限公司共同运营。</p></div><footer>版权所有 ICP备123号</footer></body></html>"""
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    doc = read_file(f)
    assert "共享食堂" in doc.text and "蜀味餐饮" in doc.text
    assert "var x" not in doc.text and "版权所有" not in doc.text and "登录" not in doc.text


def test_a_bad_file_never_stops_a_folder(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    items = list(read_paths([tmp_path]))
    good = [i for i in items if not isinstance(i, Skipped)]
    bad = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert [Path(g.path).name for g in good] == ["good.txt"]
    assert set(bad) == {"empty.txt", "blob.txt"}
    assert "empty" in bad["empty.txt"] and "binary" in bad["blob.txt"]


def test_non_chinese_text_is_refused_with_a_reason():
    with pytest.raises(InputError, match="Chinese"):
        clean_document(RawDocument("en.txt", "This is an English press release about parks.", "utf-8"))


def test_cleaning_rejoins_page_split_paragraphs_and_drops_bylines(corpus_dir):
    article = clean_document(read_file(corpus_dir / "001_7d6378b62532869b.txt"))
    assert "“爱犬俱乐部”" in article.text  # split across a page join in the source
    assert "下沉延伸" in article.text  # a paragraph cut by two photo captions
    assert "保和街道和欣社区居民“心愿廊”。" in article.text  # captions are kept, set aside
    assert all("记者" not in s.text for s in article.sentences)
    assert any("记者" in d for d in article.dropped)


def test_repeated_paragraphs_are_dropped():
    para = "迎晖社区以党群服务中心为圆心，构建四个主题站点，服务辖区居民。"
    doc = RawDocument("r.txt", f"{para}\n\n图片说明\n\n{para}\n\n结尾一句话。", "utf-8")
    article = clean_document(doc)
    assert article.text.count(para) == 1 and para in article.dropped


def test_sentence_offsets_point_into_the_article_text(corpus_dir):
    for f in sorted(corpus_dir.glob("*.txt")):
        article = clean_document(read_file(f))
        assert article.sentences
        for s in article.sentences:
            assert article.text[s.start : s.end] == s.text and s.text.strip() == s.text
