# templates.tcl - the catalogue of source templates: the platforms a county watches (forum software,
# Baidu Tieba boards, government message boards, news columns, feeds, and the platforms reached
# through the county's own RSSHub instance). A template asks for one thing - the platform's id, a
# keyword or a page URL - and builds a complete source definition from it; `source templates` lists
# them, `source add NAME -template T VALUE` adds one, and the web page /sources/templates
# (scripts/web/templates.tcl) does the same with a form per template.
#
# One declaration per template: `crawl::template::declare NAME DICT` with
#   title     the Chinese name shown to people        platform  the software or site it fits
#   asks      id | keyword | url                      prompt    what to enter, in Chinese
#   type      the source type built (feed, html ...)  tier      its default tier
#   url       the URL pattern: {VALUE} is replaced by what was entered; a template whose url starts
#             with {RSSHUB} is read through the RSSHub instance at rsshub_url
#   rules     the source's rules (html XPaths, feed options)

namespace eval crawl::template {
    variable decl           ;# name -> declaration dict
    array set decl {}
    variable order {}       ;# names in declaration order
}

conf::key rsshub_url string "" \
    "本县 RSSHub 服务的基础网址（如 http://10.0.0.5:1200）；留空则不能使用 RSSHub 模板"

# crawl::template::declare: add template NAME with declaration D (see the file comment). Errors on a
# duplicate name, a declaration lacking a field or a type no module registered (crawl::type).
# Returns nothing.
proc crawl::template::declare {name d} {
    variable decl
    variable order
    if {[info exists decl($name)]} { error "template $name declared twice" }
    foreach k {title platform asks prompt type tier url} {
        if {![dict exists $d $k]} { error "template $name lacks $k" }
    }
    if {[dict get $d asks] ni {id keyword url}} { error "template $name: asks must be id, keyword or url" }
    if {[dict get $d type] ni [crawl::types]} {
        error "template $name: type must be a registered source type ([join [crawl::types] {, }])"
    }
    set decl($name) [dict merge {rules {}} $d]
    lappend order $name
    return
}

# crawl::template::names: the template names in declaration order.
proc crawl::template::names {} {
    variable order
    return $order
}

# crawl::template::get: the declaration of template NAME; errors (in Chinese) when there is none.
proc crawl::template::get {name} {
    variable decl
    if {![info exists decl($name)]} { error "没有名为“$name”的采集源模板（source templates 列出全部模板）" }
    return $decl($name)
}

# crawl::template::viaRsshub: 1 when template NAME is read through the county's RSSHub instance.
proc crawl::template::viaRsshub {name} {
    string match "{RSSHUB}*" [dict get [get $name] url]
}

# crawl::template::value: VALUE checked against what template D asks for; returns it trimmed or
# errors with a Chinese message. Ids are letters, digits and _ - . = (what the platforms use);
# keywords are 1 to 40 characters without / ? # % or control characters (they become one URL path
# segment or query value); URLs are absolute http(s) URLs of at most 2000 bytes.
proc crawl::template::value {d value} {
    set v [string trim $value]
    switch -- [dict get $d asks] {
        id {
            if {![regexp {^[A-Za-z0-9_.=-]{1,100}$} $v]} {
                error "[dict get $d prompt]须为 1 到 100 个字母、数字或 _ - . =，收到“$value”"
            }
        }
        keyword {
            if {$v eq "" || [string length $v] > 40 || [regexp {[/?#%&\x00-\x1f\x7f]} $v]} {
                error "[dict get $d prompt]须为 1 到 40 个字，不含 / ? # % & 和控制字符，收到“$value”"
            }
        }
        url {
            if {[string length $v] > 2000 || ![regexp {^https?://[^\s]+$} $v]
                || [catch {url parse $v}]} {
                error "[dict get $d prompt]须为以 http:// 或 https:// 开头的完整网址，收到“$value”"
            }
        }
    }
    return $v
}

# crawl::template::build: the source definition (a dict of source fields: type url tier title
# rules) that template NAME builds from VALUE; FIELDS (source fields such as tier, title, proxy,
# interval) override it. Errors in Chinese for an unknown template, a bad value, or an RSSHub
# template while rsshub_url is empty. Changes nothing.
proc crawl::template::build {name value {fields {}}} {
    set d [get $name]
    set v [value $d $value]
    set url [dict get $d url]
    if {[viaRsshub $name]} {
        set base [string trimright [conf::get rsshub_url] /]
        if {$base eq ""} {
            error "模板“[dict get $d title]”经本县自建的 RSSHub 读取：请先在 appliance.conf 中设置 rsshub_url（RSSHub 实例的地址，如 http://10.0.0.5:1200）"
        }
        set url [string map [list {{RSSHUB}} $base] $url]
    }
    # a site URL followed by a path (WordPress's {VALUE}/feed/) loses its own trailing slashes
    set sub [expr {[string match "*{VALUE}/*" $url] ? [string trimright $v /] : $v}]
    set url [string map [list {{VALUE}} $sub] $url]
    if {[catch {dict get [url parse $url] href} url]} {
        error "模板“[dict get $d title]”生成的网址无效：$url"
    }
    set title "[dict get $d title]：$v"
    if {[dict get $d asks] eq "url"} { set title [dict get $d title] }
    set src [dict create type [dict get $d type] url $url tier [dict get $d tier] title $title \
                 rules [dict get $d rules]]
    return [dict merge $src $fields]
}

# crawl::template::add: add source NAME built by template T from VALUE with FIELDS overriding, from
# ORIGIN (console or web), in one transaction with its audit entry (crawl::Add). Returns the new id.
proc crawl::template::add {name t value fields origin} {
    crawl::Add $name [build $t $value $fields] $origin
}

# crawl::template::catalogue: the catalogue as text, one line per template: name, title, platform, what
# it asks for, and whether it needs rsshub_url (and whether that is set).
proc crawl::template::catalogue {} {
    set out {}
    set asks {id 编号 keyword 关键词 url 网址}
    foreach n [names] {
        set d [get $n]
        set note ""
        if {[viaRsshub $n]} {
            set note [expr {[conf::get rsshub_url] eq "" ? "  经 RSSHub（未设置 rsshub_url）" : "  经 RSSHub"}]
        }
        lappend out [format "%-16s %-22s %-14s 填写%s：%s%s" $n [dict get $d title] [dict get $d platform] \
            [dict get $asks [dict get $d asks]] [dict get $d prompt] $note]
    }
    join $out \n
}

# ---- the catalogue ------------------------------------------------------------------------------

# class word test, as the README recommends (contains(@class,'next') also matches pic_next)
proc crawl::template::C {cls} { return "contains(concat(' ',normalize-space(@class),' '),' $cls ')" }

crawl::template::declare discuz-forum [dict create \
    title "Discuz! X 论坛版块" platform "Discuz! X" asks url \
    prompt "版块列表页网址（forum-2-1.html 或 forum.php?mod=forumdisplay&fid=2）" \
    type html tier forum url {{VALUE}} \
    rules [dict create \
        item    {//tbody[starts-with(@id,'normalthread_')]} \
        link    ".//a\[[crawl::template::C xst]\]/@href" \
        title   ".//a\[[crawl::template::C xst]\]" \
        author  {.//td[@class='by'][1]//cite/a} \
        time    {.//td[@class='by'][1]//em} \
        replies {.//td[@class='num']/a} \
        views   {.//td[@class='num']/em} \
        next    "//a\[[crawl::template::C nxt]\]/@href" \
        pages   2 \
        body    {(//td[starts-with(@id,'postmessage_')])[1]}]]

crawl::template::declare phpwind-forum [dict create \
    title "PHPWind 论坛版块" platform "PHPWind 8.x" asks url \
    prompt "版块列表页网址（thread.php?fid=5 或 thread-htm-fid-5.html）" \
    type html tier forum url {{VALUE}} \
    rules [dict create \
        item    {//tr[starts-with(@class,'tr3')][td[starts-with(@id,'td_')]]} \
        link    {.//td[starts-with(@id,'td_')]/a[starts-with(@id,'a_ajax_')]/@href} \
        title   {.//td[starts-with(@id,'td_')]/a[starts-with(@id,'a_ajax_')]} \
        author  {.//td[@class='author'][1]/a} \
        time    {.//td[@class='author'][1]/p} \
        replies {substring-before(.//td[@class='num'],'/')} \
        views   {substring-after(.//td[@class='num'],'/')} \
        next    {//div[@class='pages']/a[@class='pages_next']/@href} \
        pages   2 \
        body    {//div[@id='read_tpc']}]]

crawl::template::declare tieba-board [dict create \
    title "百度贴吧" platform "百度贴吧（网页）" asks keyword prompt "吧名（如本县简称，不带“县”字）" \
    type html tier forum url {http://tieba.baidu.com/f?kw={VALUE}&ie=utf-8} \
    rules [dict create \
        item    "//li\[[crawl::template::C j_thread_list]\]" \
        link    ".//a\[[crawl::template::C j_th_tit]\]/@href" \
        title   ".//a\[[crawl::template::C j_th_tit]\]" \
        author  ".//a\[[crawl::template::C frs-author-name]\]" \
        replies ".//span\[[crawl::template::C threadlist_rep_num]\]" \
        next    "//a\[[crawl::template::C next]\]/@href"]]

crawl::template::declare gov-liuyan [dict create \
    title "政府网站留言列表（县长信箱/政民互动）" platform "政府网站（表格式列表）" asks url \
    prompt "留言列表页网址" \
    type html tier government url {{VALUE}} \
    rules [dict create \
        item    {//tr[td/a[@href]][count(td) >= 3]} \
        link    {(./td/a[@href])[1]/@href} \
        title   {(./td/a[@href])[1]} \
        author  {./td[2]} \
        time    {./td[last()]}]]

crawl::template::declare news-column [dict create \
    title "新闻网站栏目" platform "新闻网站（列表栏目）" asks url prompt "栏目列表页网址" \
    type html tier local url {{VALUE}} \
    rules [dict create \
        item    {//li[a[@href]][span]} \
        link    {./a/@href} \
        title   {./a} \
        time    {./span[last()]}]]

crawl::template::declare wordpress [dict create \
    title "WordPress 网站" platform "WordPress" asks url prompt "网站首页网址（读取其 /feed/）" \
    type feed tier local url {{VALUE}/feed/} rules {detail 1}]

crawl::template::declare feed [dict create \
    title "订阅源（RSS/Atom/JSON Feed）" platform "RSS、Atom、JSON Feed" asks url prompt "订阅源网址" \
    type feed tier local url {{VALUE}}]

# the platforms read through the county's RSSHub instance (route paths as RSSHub documents them)
foreach {name title platform asks prompt tier path} {
    weibo-user     微博用户         新浪微博   id      {微博用户编号（uid）}                        forum      /weibo/user/{VALUE}
    weibo-keyword  微博关键词       新浪微博   keyword {搜索关键词}                                 forum      /weibo/keyword/{VALUE}
    rsshub-tieba   百度贴吧         百度贴吧   keyword {吧名}                                       forum      /baidu/tieba/forum/{VALUE}
    douyin-user    抖音用户         抖音       id      {抖音用户编号（主页网址中的 sec_uid）}       forum      /douyin/user/{VALUE}
    bilibili-user  哔哩哔哩UP主     哔哩哔哩   id      {UP 主编号（uid）}                           forum      /bilibili/user/video/{VALUE}
    zhihu-user     知乎用户动态     知乎       id      {知乎用户编号（主页网址中的 id）}            forum      /zhihu/people/activities/{VALUE}
    toutiao-user   今日头条号       今日头条   id      {头条号 token（主页网址中的编号）}           portal     /toutiao/user/token/{VALUE}
    wechat-mp      微信公众号       微信公众号 id      {公众号编号（RSSHub 公众号路由所用的 id）}   portal     /wechat/ce/{VALUE}
    people-liuyan  人民网领导留言板 人民网     id      {留言板编号（fid，如 539）}                  government /people/liuyan/{VALUE}
} {
    crawl::template::declare $name [dict create title $title platform "$platform（RSSHub）" asks $asks \
        prompt $prompt type feed tier $tier url "{RSSHUB}$path"]
}
unset name title platform asks prompt tier path
