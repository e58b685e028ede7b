"""Traditional characters read as simplified, for matching only.

Reports from Hong Kong-facing portals and gov.cn's 繁體 mirror are written in traditional
characters (內蒙古自治區2012年政府信息公開工作年度報告); every pattern of the parser is written
in simplified ones. Text is folded character by character, so a match in the folded text
sits at the same place in the original: names are taken from the original, as written.
The table covers the characters of report vocabulary and place names, not all of Chinese.
覆 is folded to 复 too: traditional reports write 答覆 (a reply) where simplified ones write
答复; only traditional texts are folded, and their 覆蓋 (coverage) matches no pattern.
"""

from __future__ import annotations

import re

_TRADITIONAL = (
    "開報辦廳條發況區國網關農動經會請復數強聞對欄體議問統計財預過規莊編總訴訟領時內號導應電線營戶為態見級於處組實轉產風熱濟質"
    "參與眾範飯臺圖館場載雙鄉興戰積極資達結員責個單蓋醫療衛佈許檢違膠説聯絡東義諧調潔證縣鎮務門業華據製紀錄項歷專車軍書畫決說"
    "讀語論設進這還選際陽隊險隨陳長萬億優價們傳備債傷僅從後徑惡愛憲懷擔擴攝敵斷舊來樣機權歸歲氣沒滿漢災無煙燈爭獎獨環現畢當盡"
    "監確禮種穩競簡類約紅純紙細終綜維綠緊練縮績續罰聲職聽脅腦臨舉艱藝蘇蟲補複覺觀視親記訂訊討訓託訪評詞試詢話詳認誤課談諾謀識"
    "護變讓貝負貨販貧貴費貿賃賠賣購贊趙趕跡踐軌軟較輔輕輸轄迴連週運遠適遷遺邊郵鄰釋針鈞銀銷鋼錢錯鍵鏈鐵閉閒間閱闆陸階雜離難雲"
    "靈須頂順頭頻題額顏願顧顯飛養馬駐驗髮鬥魚鳥黃點黨齊齡龍倫偉僑儀儲兒兩冊剛創劃劇勞勢勵協卻厲嚴團園圍執堅塊壓壯壽夢奪婦學寧"
    "審寫寶將尋屆層屬岡島峽崗嶺巖幣幫幹廣庫廢彈張彙徵慶憑懲戲挾捨掃掛採換揚損搖擁擇擊擬擾攤敗敘斂斬昇晉曉曆棄榮構標樓樂橋檔櫃"
    "歐殘殺殼測湯準溫滅漁潛濕濱灣烏煩爐牆狀獄獲瑪畝異癥盤盧睏碼礎禍禦稅穀窮竊筆築篩簽糧緒締緩縱織繪繳繼罷羅習聖聰肅脫腳膽艦蔣"
    "薦薩藥蘭虧術衝裝襲覽觸診註詐該誠誌誕誰誼諮諸講謝謹譯讚豐貓貫貼貸賀賓賦賴贈趨輛輝輪辭邏鄭釐鉅鋪鍊鏡鐘闊隱隸雖雞靜韓響頁頒"
    "頓頗頸顆飲飽餘騎騰驅驚髒鬆鮮鹽麗麼齒龐壩瀋遼滬閩贛魯粵瓊陝隴礦裏麵並凈淨峯啓敎爲遊裡綫衆羣涼減湊匯滙佔剷劑嘗噸囑塗墊奮徹"
    "惱愷慣慮懸戀擺攜攬敍曠棟槍樁樸橫歡沖滯滲瀏燦爾猶瑣矚紛紹絕給絲綱緣繩纖罈聳臟艷蘋虛螢衊誇謂謠譽豎賬贏踴躍軀輯轟辯醬釘鈔鈴"
    "鉛銅銜鋒錦鍋鑒閃閣闖闡陰隻雛霧韌頌飢駁駕騙鬧鳳鴻麥儉僱冑兇剝勁勳啟喪嘆壞奧孫寬寢尷屢嶄巔廟廠廬彎彌徠懇懶懼拋擋擠擲攔攪暢"
    "暫曬棲樺櫥歎殲毀氾洶淺渦溝滄漲潑澤濁濫瀕燒燭爛犧獵璽甌疊瘋皺盞礙禪稱窯篤簾籃糾紐紮絃絨綁緝縫繞纏羨聾脹膚艙蓮蔥蕭藍蠶蠻袞"
    "襪覓訝詭誘諒諷謊謙譜譴貞賊賤賽贖躉軒輩轎辮酈醞釀鈣鋁錫鍛鎖鏟鑄閘隕雋顫颱颳飼餅饒駛騷驟鬍鯨鷹鹼黴齋墾卹懺擄擷擻攏攙攢曇棗"
    "殯汙溼灑灘煉爺犢猙獅瑩瓏瘡癢皚盜睜瞞矯磚祿稈竄竅籌籠粧糞紡絞綢綴緻縛繃繡罌翹聶脈脛膩臍舖艤芻莖蒐蕩藹蘆虜蝕蠟衚裊褲覲訣詛"
    "誣諜諱謁謬譁譏讒豈賑賜賢贓趲蹟躊軻輒轅迺遜醜鈍鉤銳鋸錐鍍鎔鏽鐲閏閨闈靂韁頃頰顎颶飄餃餵饞馭駭驕鬱鯉鳴鴨鵝鶴黽齣龜"
    "祕覆")
_SIMPLIFIED = (
    "开报办厅条发况区国网关农动经会请复数强闻对栏体议问统计财预过规庄编总诉讼领时内号导应电线营户为态见级于处组实转产风热济质"
    "参与众范饭台图馆场载双乡兴战积极资达结员责个单盖医疗卫布许检违胶说联络东义谐调洁证县镇务门业华据制纪录项历专车军书画决说"
    "读语论设进这还选际阳队险随陈长万亿优价们传备债伤仅从后径恶爱宪怀担扩摄敌断旧来样机权归岁气没满汉灾无烟灯争奖独环现毕当尽"
    "监确礼种稳竞简类约红纯纸细终综维绿紧练缩绩续罚声职听胁脑临举艰艺苏虫补复觉观视亲记订讯讨训托访评词试询话详认误课谈诺谋识"
    "护变让贝负货贩贫贵费贸赁赔卖购赞赵赶迹践轨软较辅轻输辖回连周运远适迁遗边邮邻释针钧银销钢钱错键链铁闭闲间阅板陆阶杂离难云"
    "灵须顶顺头频题额颜愿顾显飞养马驻验发斗鱼鸟黄点党齐龄龙伦伟侨仪储儿两册刚创划剧劳势励协却厉严团园围执坚块压壮寿梦夺妇学宁"
    "审写宝将寻届层属冈岛峡岗岭岩币帮干广库废弹张汇征庆凭惩戏挟舍扫挂采换扬损摇拥择击拟扰摊败叙敛斩升晋晓历弃荣构标楼乐桥档柜"
    "欧残杀壳测汤准温灭渔潜湿滨湾乌烦炉墙状狱获玛亩异症盘卢困码础祸御税谷穷窃笔筑筛签粮绪缔缓纵织绘缴继罢罗习圣聪肃脱脚胆舰蒋"
    "荐萨药兰亏术冲装袭览触诊注诈该诚志诞谁谊咨诸讲谢谨译赞丰猫贯贴贷贺宾赋赖赠趋辆辉轮辞逻郑厘巨铺炼镜钟阔隐隶虽鸡静韩响页颁"
    "顿颇颈颗饮饱余骑腾驱惊脏松鲜盐丽么齿庞坝沈辽沪闽赣鲁粤琼陕陇矿里面并净净峰启教为游里线众群凉减凑汇汇占铲剂尝吨嘱涂垫奋彻"
    "恼恺惯虑悬恋摆携揽叙旷栋枪桩朴横欢冲滞渗浏灿尔犹琐瞩纷绍绝给丝纲缘绳纤坛耸脏艳苹虚萤蔑夸谓谣誉竖账赢踊跃躯辑轰辩酱钉钞铃"
    "铅铜衔锋锦锅鉴闪阁闯阐阴只雏雾韧颂饥驳驾骗闹凤鸿麦俭雇胄凶剥劲勋启丧叹坏奥孙宽寝尴屡崭巅庙厂庐弯弥徕恳懒惧抛挡挤掷拦搅畅"
    "暂晒栖桦橱叹歼毁泛汹浅涡沟沧涨泼泽浊滥濒烧烛烂牺猎玺瓯叠疯皱盏碍禅称窑笃帘篮纠纽扎弦绒绑缉缝绕缠羡聋胀肤舱莲葱萧蓝蚕蛮衮"
    "袜觅讶诡诱谅讽谎谦谱谴贞贼贱赛赎趸轩辈轿辫郦酝酿钙铝锡锻锁铲铸闸陨隽颤台刮饲饼饶驶骚骤胡鲸鹰碱霉斋垦恤忏掳撷擞拢搀攒昙枣"
    "殡污湿洒滩炼爷犊狰狮莹珑疮痒皑盗睁瞒矫砖禄秆窜窍筹笼妆粪纺绞绸缀致缚绷绣罂翘聂脉胫腻脐铺舣刍茎搜荡蔼芦虏蚀蜡胡袅裤觐诀诅"
    "诬谍讳谒谬哗讥谗岂赈赐贤赃趱迹踌轲辄辕乃逊丑钝钩锐锯锥镀熔锈镯闰闺闱雳缰顷颊颚飓飘饺喂馋驭骇骄郁鲤鸣鸭鹅鹤黾出龟"
    "秘复")
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
# Characters only traditional text has, and has in any report's first lines: a text without
# them is not translated at all (translate() looks up every character).
_MARKER = re.compile("[開報區國務辦廳條發會縣鄉鎮於與為據關內門網華時統計況]")


# Words a Taiwan-style converter swaps, not characters: 政府資訊公開 for 政府信息公开 (same
# length, so positions still match the text as written).
_WORDS = re.compile("资讯(?=公开)|(?<=政府)资讯")


def simplified(text: str) -> str:
    """``text`` with traditional characters replaced one for one (same length)."""
    if not _MARKER.search(text):
        return text
    folded = text.translate(_FOLD)
    return _WORDS.sub("信息", folded) if "资讯" in folded else folded


_ANY = re.compile(f"[{_TRADITIONAL}]")


def any_simplified(text: str) -> str:
    """``simplified`` for a short text (a table label: 穩定, 複議) that may hold none of
    the marker characters: folded when it holds any traditional character of the table."""
    return text.translate(_FOLD) if _ANY.search(text) else text
