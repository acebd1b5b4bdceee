"""Reading a centre's archive for training: the forms centres export, and clear refusals."""

from __future__ import annotations

import json

import pytest

from cases.routing.archive import ArchiveError, read_archive, read_label_names

CODES = {"noise", "pollution", "other"}
NAMES = {"环境保护", "城乡建设"}


def test_tsv_archive_with_category_codes_learns_fine_categories(tmp_path):
    path = tmp_path / "orders.tsv"
    path.write_text("楼上装修太吵\tnoise\n\n河道发臭\tpollution\n", encoding="utf-8")
    archive = read_archive(path, CODES, NAMES)
    assert archive.texts == ["楼上装修太吵", "河道发臭"]
    assert archive.labels == ["noise", "pollution"]
    assert archive.label_kind == "category"


def test_label_ids_are_named_through_a_labels_file(tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("id\tcategory\n0\t城乡建设\n1\t环境保护\n", encoding="utf-8")
    path = tmp_path / "train.tsv"
    path.write_text("路灯不亮\t0\n工厂排废气\t1\n", encoding="utf-8")
    archive = read_archive(path, CODES, NAMES, read_label_names(labels))
    assert archive.labels == ["城乡建设", "环境保护"]
    assert archive.label_kind == "top_level"


def test_csv_archive_is_read_by_its_column_names_whatever_their_order(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        '工单号,category,description\nA1,noise,"夜里施工,很吵"\nA2,other,表扬窗口\n',
        encoding="utf-8-sig",
    )
    archive = read_archive(path, CODES, NAMES)
    assert archive.texts == ["夜里施工,很吵", "表扬窗口"]
    assert archive.labels == ["noise", "other"]


def test_json_lines_archive_accepts_top_level_names(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": text, "top_level": label}, ensure_ascii=False)
            for text, label in [("井盖缺失", "城乡建设"), ("河水发黑", "环境保护")]
        ),
        encoding="utf-8",
    )
    assert read_archive(path, CODES, NAMES).labels == ["城乡建设", "环境保护"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.tsv", "没有标签的一行\n", "a.tsv:1: expected text<TAB>label"),
        ("b.tsv", "很吵\tnoise\n很脏\t卫生\n", "b.tsv:2: label '卫生'"),
        ("c.tsv", "很吵\tnoise\n发臭\t环境保护\n", "mixes category codes"),
        ("d.csv", "text,kind\n很吵,noise\n", "no column named label"),
        ("e.jsonl", '{"text": "很吵"\n', "e.jsonl:1: not JSON"),
        ("f.tsv", "\n\n", "no labelled messages"),
    ],
)
def test_unreadable_archive_is_refused_naming_the_file_and_line(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ArchiveError, match=message.replace("(", r"\(")):
        read_archive(path, CODES, NAMES)
