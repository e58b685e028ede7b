"""Simplified -> traditional characters, as the 繁體 gateways and copy sites that publish
traditional reports convert them (www.gov.cn's big5 gate: nm-neimenggu-province-2012-5f25a801;
copy sites: jx-jiangxi-nongyenongcunting-department-2022-6d41b7d3,
he-shijiazhuang-gongxinju-department-2019-da90556f).

Only the characters of the simulator's own report pages are listed (labels, prose, unit and
place names, the portals' chrome): a converted page holds no character outside Big5. Where
one simplified character stands for several traditional ones the common form of report
vocabulary is taken (发 發 not 髮, 台 臺, 线 線, 众 眾, 汇 匯, 说 說, 为 為); a few
depend on the word (答复 答覆, 重复 重複, 复议 復議, 干部 幹部). Characters whose traditional form
is the same character in report use are left alone (制 编制, 只 只计, 出, 里, 周, 志, 注, 游, 面,
布 发布, 教, 升, 群, 胡, 秘, 泛). Like the corpus copy of 江西省农业农村厅 (``關于``, ``先后``), the
conversion keeps 于 and 后: a character-for-character converter leaves them, because 於/于 and
後/后 depend on the word.

A copy site's converter may also write the pinyin of some characters after them (寧強(qiáng),
報(bào)告): ``reading_aids_page``, with the characters and readings of
sn-ningqiang-minzhengju-department-2023-c3dde74e (``READINGS``).
"""

from __future__ import annotations

import re

_SIMPLIFIED = (
    "万与专业东丝严个丰为丽举义乐习乡书产从们众优会传体余党关兴养内写军农决况准减划创办务动励区医华协单卫厅压县参双发变台号听员"
    "响围国图场坚坝处备学宁宝实审宽对导将层属岗帮干并广库应废开张强当录彻征径态总愿户扎托执扩护报拟换据数断无时晓机权条来极构"
    "标栏样档桥检楼欢汇沟没泽洁测济满灵点热环现电畅疗监码础确种积称稳筹简类紧纠红约级纸线练组细织终经结绕给络统继续维综编缴网"
    "罚职联肃脑范获营蒋虚补见规视触计认讨让训议记许讼设访识诉试话询该详语误说请读课谁调负财责贤账质购贯贴费资轨转载较辅输达迁"
    "过运还这进连选邮采释针钱镇长门问间闻阅队阳阶际难韩项顺预领频题颜额风马验黄龙仓则别卧纳馈驿涧浓树杨挥兖复软页汉浏览鲁苏键词头够")
_TRADITIONAL = (
    "萬與專業東絲嚴個豐為麗舉義樂習鄉書產從們眾優會傳體餘黨關興養內寫軍農決況準減劃創辦務動勵區醫華協單衛廳壓縣參雙發變臺號聽員"
    "響圍國圖場堅壩處備學寧寶實審寬對導將層屬崗幫幹並廣庫應廢開張強當錄徹徵徑態總願戶紮託執擴護報擬換據數斷無時曉機權條來極構"
    "標欄樣檔橋檢樓歡匯溝沒澤潔測濟滿靈點熱環現電暢療監碼礎確種積稱穩籌簡類緊糾紅約級紙線練組細織終經結繞給絡統繼續維綜編繳網"
    "罰職聯肅腦範獲營蔣虛補見規視觸計認討讓訓議記許訟設訪識訴試話詢該詳語誤說請讀課誰調負財責賢賬質購貫貼費資軌轉載較輔輸達遷"
    "過運還這進連選郵採釋針錢鎮長門問間聞閱隊陽階際難韓項順預領頻題顏額風馬驗黃龍倉則別臥納饋驛澗濃樹楊揮兗復軟頁漢瀏覽魯蘇鍵詞頭夠")
assert len(_SIMPLIFIED) == len(_TRADITIONAL), (len(_SIMPLIFIED), len(_TRADITIONAL))
_TABLE = str.maketrans(_SIMPLIFIED, _TRADITIONAL)
# Words whose character the table would get wrong (converted before the table runs).
_WORDS = (("答复", "答覆"), ("重复", "重複"), ("干部", "幹部"), ("若干", "若干"))


def traditional_text(text: str) -> str:
    """A plain text in traditional characters."""
    for n, (simplified, _) in enumerate(_WORDS):
        text = text.replace(simplified, chr(0xE000 + n))  # private-use placeholders
    text = text.translate(_TABLE)
    for n, (_, traditional) in enumerate(_WORDS):
        text = text.replace(chr(0xE000 + n), traditional)
    return text


def to_traditional(html: str) -> str:
    """A whole page in traditional characters, markup and all (meta contents, the chrome,
    font names): gateways convert the page's bytes, not only what is displayed."""
    return traditional_text(html)


# --- reading aids: the pinyin a converter writes after some characters ----------------------

# Every character sn-ningqiang-minzhengju-department-2023-c3dde74e (a copy of 寧強縣民政局's
# 2023 report on guangxijy.com) annotates, with the reading it writes, in half-width brackets
# after the character: 寧強(qiáng)縣, 關(guān)于, 報(bào)告, 數(shù)量, 統(tǒng)計(jì). The file annotates
# every occurrence of these and no other character (條 in 《條例》, 縣, 開 are left bare).
READINGS = {
    "個": "gè", "內": "nèi", "動": "dòng", "務": "wù", "協": "xié", "問": "wèn", "國": "guó",
    "堅": "jiān", "報": "bào", "實": "shí", "對": "duì", "導": "dǎo", "強": "qiáng", "復": "fù",
    "態": "tài", "據": "jù", "數": "shù", "會": "huì", "發": "fā", "簡": "jiǎn", "結": "jié",
    "絡": "luò", "統": "tǒng", "網": "wǎng", "聯": "lián", "規": "guī", "計": "jì", "認": "rèn",
    "請": "qǐng", "財": "cái", "責": "zé", "關": "guān", "項": "xiàng", "預": "yù", "領": "lǐng",
    "養": "yǎng",
}
_READ = re.compile("[" + "".join(READINGS) + "]")
# Markup the annotation leaves alone: tags with their attributes, scripts, styles, comments.
_MARKUP = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]*>)",
                     re.DOTALL | re.IGNORECASE)


def with_readings(text: str) -> str:
    """A traditional text with the file's readings after their characters (a character
    already followed by its reading is left as it is)."""
    def annotate(m: re.Match[str]) -> str:
        reading = f"({READINGS[m.group()]})"
        if text.startswith(reading, m.end()):
            return m.group()
        return m.group() + reading
    return _READ.sub(annotate, text)


def reading_aids_page(html: str) -> str:
    """A whole page as the copy site serves it: traditional all through, like
    ``to_traditional``, and the readings written into the page's text (text nodes, the
    title included; tags, attributes and scripts are not annotated)."""
    parts = _MARKUP.split(to_traditional(html))
    return "".join(part if n % 2 else with_readings(part) for n, part in enumerate(parts))
