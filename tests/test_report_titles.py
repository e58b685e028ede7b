"""Which link titles the spiders take for annual reports: titles as real reports print them
(tests/fixtures/real/reports/, their first lines), and the notices that only look alike."""

from __future__ import annotations

import pytest

from crawler.reports import is_report_title

REAL_TITLES = [
    "2016年龙归镇政府信息公开年度报告",  # gd, no 工作
    "广丰县2011年政府信息公开年度报告",
    "兴安盟行署外事办公室2025年 政府信息公开工作年度报告",  # a space inside
    "內蒙古自治區2012年政府信息公開工作年度報告",  # traditional characters
    "乌拉特中旗巴音乌兰苏木2021年政府信息公开工作年度报告.docx",
    "2008年度衡阳市政府信息公开工作年度报告",
    "XX县审计局2020年信息公开年度报告",  # no 政府 before 信息公开
    "2019年政府信息公开年报",
    # a copy site's reading aid (sn-ningqiang-minzhengju-department-2023-c3dde74e)
    "關(guān)于2023年政府信息公開年度報(bào)告",
]
NOT_REPORTS = [
    "关于报送2022年政府信息公开工作年度报告的通知",
    "关于做好政府信息公开工作年度报告编制工作的通知",
    "政府信息公开工作年度报告格式解读",
    "關於報送政府信息公開工作年度報告的說明會",
    "2020年报_审计局",  # a financial-style 年报 without 信息公开 is not taken on its own
]


@pytest.mark.parametrize("title", REAL_TITLES)
def test_real_report_titles_are_taken(title: str) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize("title", NOT_REPORTS)
def test_notices_and_other_reports_are_not(title: str) -> None:
    assert not is_report_title(title)
