# parse.tcl - console help for the parsing commands the crawler is built on.
#
# The commands themselves are C (src/charset.c, url.c, robots.c, date.c, html.c, extract.c,
# feed.c, cjk.c); this module only documents them for the console's `help` and docs/commands.md
# (their argument checks are the C commands' own). Their full descriptions are in the opening
# comment of each C file.

cmdlayer::external charset {decode BYTES ?-from 字符集? ?-contenttype CT? | detect BYTES ?-contenttype CT?} \
    "把网页字节转为文本：依次看 BOM、HTTP 头、XML 声明或 meta，再自动探测（GBK/GB18030/Big5/UTF-8）；detect 给出判定的字符集和依据"
cmdlayer::external url {resolve BASE REF | canonical URL | parse URL} \
    "按 WHATWG URL 标准把相对链接补全为绝对网址；canonical 给出去重用的规范网址（去掉片段和 utm_* 参数）"
cmdlayer::external robots {allowed ROBOTSTXT USERAGENT URL | delay ROBOTSTXT USERAGENT | sitemaps ROBOTSTXT} \
    "按 robots 协议（RFC 9309）判断网址是否允许采集，返回 1 或 0"
cmdlayer::external html {doc HTML ?-url URL? | xpath HTML EXPR ?-url URL? ?-text|-attr 名|-link|-html? | text HTML} \
    "解析网页并按 XPath 规则提取；doc 返回文档命令，支持 xpath、items（列表页逐条取字段）、text、extract、delete"
cmdlayer::external feed {parse BYTES ?-contenttype CT? ?-url URL?} \
    "解析 RSS 0.9x/1.0/2.0、Atom、JSON Feed 订阅源（含 RSSHub 输出），返回条目列表：id、title、link、author、published、summary"
cmdlayer::external page {extract HTML ?-url URL? ?-now 时间?} \
    "通用正文提取：不需站点规则，取出详情页的标题、正文、作者和发布时间"
cmdlayer::external date {parse TEXT ?-now 时间?} \
    "把网页上的时间写法（2024年5月1日、05-01 10:23、3小时前、昨天 10:23、RFC 822 等）转为北京时间 ISO 8601"
cmdlayer::external cjk {tokens TEXT} "显示全文检索分词结果：中文按二字切分，英文小写，全角转半角"
