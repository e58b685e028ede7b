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
"""

from __future__ import annotations

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
