# messages.tcl - the one message catalogue: every sentence a person reads in the web pages and the
# console that comes from a module (errors, audit actions, timeline steps, the notes of a step).
#
# Code keeps stable identifiers; people read sentences. An error is raised with
#
#     yq::fail unit.none $name          ;# errorcode {YQBOX unit.none}, message 没有名为“…”的单位…
#     yq::deny denied.perm $login $perm ;# errorcode {YQBOX DENIED denied.perm}: a refused permission
#     yq::fail -class AUTH auth.wrong   ;# errorcode {YQBOX AUTH auth.wrong}
#
# so callers test the errorcode (its second element is the class or the key), never the text.
# The texts live in Tcl's msgcat (embedded in the binary) under the locale zh_cn, in namespace
# ::yq; a text is a `format` string (%s, or %1$s %2$s to reorder). Keys are MODULE.WHAT; the names
# of audit actions and timeline steps are keys act.CODE (act.login.ok 登录成功); the names of the
# fields of a step's note or an audit entry's before/after (unit=住建局 mode=claimed) are keys
# field.NAME, their coded values val.NAME.VALUE. yq::action and yq::note render those for a page.
# tests/msgcat.test checks every key used in scripts/ is here and that pages show no English.

package require msgcat

namespace eval yq {
    ::msgcat::mclocale zh_cn
}

# yq::mc: the text of message KEY with ARGS formatted in (msgcat, locale zh_cn). A key missing from
# the catalogue gives the key itself followed by the arguments (msgcat's default), never an error.
proc yq::mc {key args} {
    ::msgcat::mc $key {*}$args
}

# yq::has: whether the catalogue has message KEY.
proc yq::has {key} {
    ::msgcat::mcexists $key
}

# yq::fail: raise an error whose message is catalogue text KEY with ARGS and whose errorcode is
# {YQBOX ?CLASS? KEY} (-class CLASS: a class callers test, e.g. DENIED, AUTH, LOCKED, NOTFOUND).
# An ordinary error of this command (level 1, so `db transaction` and catch in the caller see an
# error and roll back). Never returns.
proc yq::fail {args} {
    set class {}
    if {[lindex $args 0] eq "-class"} {
        set class [lindex $args 1]
        set args [lrange $args 2 end]
    }
    set key [lindex $args 0]
    return -code error -errorcode [list YQBOX {*}$class $key] [mc $key {*}[lrange $args 1 end]]
}

# yq::deny: yq::fail with class DENIED (a permission refused: the web shows 403 with the text).
proc yq::deny {key args} {
    return -code error -errorcode [list YQBOX DENIED $key] [mc $key {*}$args]
}

# yq::action: the Chinese name of audit action or timeline step CODE (login.ok 登录成功,
# event.claim 认领, deadline.warning 时限预警): the catalogue's act.CODE, else the title of the
# transition PROCESS.NAME of the workflow engine, else CODE itself.
proc yq::action {code} {
    if {[has act.$code]} { return [mc act.$code] }
    if {[regexp {^([a-z]+)\.([a-z_]+)$} $code -> p name]
            && [llength [info commands ::workflow::stepTitle]]
            && [dict exists $::workflow::processes $p]} {
        set t [::workflow::stepTitle -process $p $name]
        if {$t ne $name} { return $t }
    }
    return $code
}

# yq::note: TEXT, the note of a timeline step or an audit entry's before/after written as
# "key=value key=value …" (the last value may hold spaces; a bare word after a value is a flag of
# it, as in "mode=claimed overdue"), as a sentence: 认领单位：住建局，方式：本单位认领（逾期）.
# Text that is not of that form is returned as it is.
proc yq::note {text} {
    set text [string trim $text]
    if {![regexp {^[a-z_]+=} $text]} { return $text }
    # the start of each key=: a key is a lower-case word right after the start or a space
    set starts [regexp -all -indices -inline {(?:^|\s)[a-z_]+=} $text]
    set parts {}
    set n [llength $starts]
    for {set i 0} {$i < $n} {incr i} {
        set from [lindex $starts $i 0]
        set to [expr {$i + 1 < $n ? [lindex $starts $i+1 0] - 1 : [string length $text] - 1}]
        set kv [string trim [string range $text $from $to]]
        regexp {^([a-z_]+)=(.*)$} $kv -> k v
        lappend parts [Field $k $v]
    }
    join $parts ，
}

# yq::Field: one "key=value" of a note as "名称：值" (see yq::note); a value made of coded words
# (claimed overdue) is rendered word by word through val.KEY.WORD.
proc yq::Field {k v} {
    set name [expr {[has field.$k] ? [mc field.$k] : $k}]
    if {$k eq "level" && [regexp {^(.*)→(.*)$} $v -> a b]} {
        set v [expr {$a eq $b ? $b : "$a → $b"}]
    } elseif {[has val.$k.[lindex [split $v] 0]]} {
        set words [split $v]
        set v [mc val.$k.[lindex $words 0]]
        set flags [lmap w [lrange $words 1 end] {
            expr {[has val.$k.$w] ? [mc val.$k.$w] : $w}
        }]
        if {[llength $flags]} { append v （[join $flags 、]） }
    } elseif {$k eq "state" && [llength [info commands ::workflow::stateTitle]]} {
        set t [::workflow::stateTitle $v]
        if {$t ne ""} { set v $t }
    }
    if {$v eq ""} { set v 无 }
    return "$name：$v"
}

namespace eval yq {
    # ---- names of audit actions and timeline steps (act.CODE); transitions of the workflow
    # engine are named by their own titles (yq::action) ----
    ::msgcat::mcmset zh_cn {
        act.login.ok            登录成功
        act.login.fail          登录失败
        act.login.locked        登录锁定
        act.login.totp          动态口令验证通过
        act.login.totp.fail     动态口令验证失败
        act.logout              退出登录
        act.web.denied          网页访问被拒绝
        act.user.create         新增用户
        act.user.role           修改用户角色
        act.user.refused        拒绝为用户授权
        act.user.password       修改密码
        act.user.totp           设置动态口令
        act.user.unlock         解除用户锁定
        act.user.disable        停用用户
        act.user.enable         启用用户
        act.unit.create         新增单位
        act.unit.update         修改单位
        act.session.end         结束会话
        act.session.end-user    结束用户的全部会话
        act.session.end-all     结束全部会话
        act.source.create       新增采集源
        act.source.update       修改采集源
        act.source.remove       删除采集源
        act.source.enable       启用采集源
        act.source.disable      停用采集源
        act.source.resume       恢复采集源
        act.source.paused       采集源暂停
        act.source.failing      采集源异常
        act.source.ok           采集源恢复正常
        act.rule.save           保存研判规则
        act.rule.delete         删除研判规则
        act.terms.save          保存词表
        act.calendar.import     导入节假日日历
        act.calendar.enter      录入节假日日历
        act.calendar.fallback   设置按周一至周五推算
        act.deadline.warning    时限预警
        act.deadline.breach     时限超期
        act.deadline.recompute  时限重算
        act.document.issue      印发文件
        act.document.read       阅读文件
        act.event.merge         合并事件
        act.event.split         拆分事件
        act.notify.update       修改通知设置
        act.notify.test         发送测试通知
        act.request.recompute   重算申请答复期限
        act.submission.attach   添加附件
        act.submission.upward   报送上级
        act.db.damaged          数据库损坏
        act.db.recovered        数据库已恢复
        act.audit.prune         归档审计日志
    }

    # ---- fields of a step's note and of an audit entry's before/after (field.KEY), and their
    # coded values (val.KEY.VALUE) ----
    ::msgcat::mcmset zh_cn {
        field.state         状态
        field.unit          单位
        field.mode          方式
        field.reason        理由
        field.level         风险等级
        field.attention     重点关注
        field.handler       承办人
        field.days          天数
        field.extension     延期申请
        field.due           截止时间
        field.reply         回复稿编号
        field.post          帖子编号
        field.instruction   批示编号
        field.result        结果
        field.deadline      时限编号
        field.rule          时限规则
        field.calendar      日历年份
        field.title         标题
        field.roles         角色
        field.failed        失败次数
        field.email         电子邮箱
        field.phone         手机号码
        field.mail          邮件通知
        field.sms           短信通知
        field.quiet         免打扰时段
        field.sessions      结束的会话数
        field.from          来源
        field.name          名称
        field.kind          种类
        field.contact       联系人
        field.active        启用
        field.enabled       启用
        val.mode.claimed    本单位认领
        val.mode.assigned   信息办指定
        val.mode.auto       超时自动指定
        val.mode.rerouted   退回后重新交办
        val.mode.overdue    逾期
        val.mode.legacy     旧数据
        val.attention.0     否
        val.attention.1     是
        val.extension.approved 已批准
        val.extension.refused 未批准
        val.extension.requested 待审批
        val.active.0        否
        val.active.1        是
        val.enabled.0       否
        val.enabled.1       是
    }
}

namespace eval yq {
    # ---- permissions (perm.NAME) and refusals (denied.*) ----
    ::msgcat::mcmset zh_cn {
        denied.perm         {权限不足：%1$s 没有“%2$s”的权限}
        perm.unit.manage    管理单位
        perm.totp.enrol     绑定动态口令
        perm.feedback.record 登记舆情反馈
        perm.source.manage  管理采集源
        perm.rule.manage    管理研判规则
        perm.calendar.manage 管理节假日日历
        perm.config.manage  管理配置
        perm.health.view    查看运行状况
        perm.user.manage    管理用户
        perm.session.manage 管理会话
        perm.audit.read     查阅审计日志
        perm.event.view.all 查看全部事件
        perm.event.view.unit 查看本单位事件
        perm.event.report   报送专报
        perm.event.assign   指定认领
        perm.event.judge    研判
        perm.event.review   审核回复
        perm.event.publish  发布回复
        perm.event.claim    认领事件
        perm.event.handle   办理事件
        perm.event.approve  审定回复
        perm.instruction.write 批示
        perm.work.list      查看待办
        perm.workflow.system 系统自动操作
        perm.request.handle 办理依申请公开
        perm.request.register 登记依申请公开
        perm.submission.write 撰写政务信息
        perm.submission.screen 采编政务信息
        perm.submission.sign 签发政务信息
        perm.sysadmin.totp  设置本人动态口令
        perm.secadmin.totp  设置本人动态口令
        perm.auditor.totp   设置本人动态口令
        perm.event.close    结案
        perm.event.police   移交公安
        perm.event.respond  回应关切
        perm.event.unitreport 报告本单位领导
        perm.event.extend   申请延期
        perm.event.decide   审批延期
        perm.instruction.fulfil 落实批示
        perm.request.approve 审批依申请公开答复
        perm.assessment.view.all 查看全部考核结果
        perm.assessment.view.unit 查看本单位考核结果
    }

    # ---- units, users, roles, passwords, logins (org.tcl) ----
    ::msgcat::mcmset zh_cn {
        unit.none           {没有名为“%s”的单位（unit list 列出全部单位）}
        unit.noname         单位名称不能为空
        unit.exists         {单位“%s”已存在}
        unit.disabled       {单位“%s”已停用}
        user.none           {没有登录名为“%s”的用户（user list 列出全部用户）}
        user.exists         {用户“%s”已存在}
        user.badlogin       {登录名应为 1 至 64 个字母、数字或 _ . @ - 字符}
        role.unknown        {没有“%1$s”这个角色，应为 %2$s 之一}
        role.admins         {三员分立：同一用户不能同时担任%s}
        password.quoted     {密码两端带有引号：控制台是 Tcl，含空格的值请用花括号括起，例如 -password {a long password}}
        password.short      {密码至少需要 %s 个字符}
        auth.wrong          用户名或密码错误
        auth.locked         账号已锁定，请稍后再试或联系安全管理员
        auth.throttled      {来自 %1$s 的登录失败次数过多，请 %2$s 分钟后再试}
        field.account       账号
        val.account.unknown 不存在或已停用
    }
}

namespace eval yq {
    # ---- the workflow engine and the event process (workflow/states.tcl) ----
    ::msgcat::mcmset zh_cn {
        denied.ownunit      {权限不足：%1$s 只能办理本单位的事项}
        denied.system       {权限不足：“%s”由系统自动执行}
        denied.transition   {权限不足：%1$s 不能“%2$s”（需要%3$s权限）}
        denied.eventunit    {权限不足：事件 %1$s 不属于%2$s}
        denied.officeonly   {权限不足：%1$s 只有作为信息办本单位人员才能“%2$s”}
        workflow.state      {%1$s 当前为“%2$s”，不能%3$s}
        workflow.notransition {没有“%1$s”这个操作，应为 %2$s 之一}
        workflow.empty      {请填写%s}
        workflow.long       {%1$s过长（不超过 %2$s 字）}
        workflow.timeformat {%s格式不正确，应为“年-月-日 时:分”，如 2026-03-02 11:30}
        workflow.future     {%1$s不能晚于当前时间（%2$s）}
        workflow.beforefound {%1$s不能早于事件发现时间（%2$s）}
        event.state         {事件 %1$s 当前为“%2$s”，不能%3$s（须为%4$s）}
        event.noinvestigation {事件 %s 尚无核实调查记录}
        event.claimother    只有信息办可以代其他单位认领（请用“指定认领”）
        event.claimunit     {控制台认领须指明单位：event claim 编号 -unit 单位}
        event.auto          {-auto 仅供时限时钟自动指定使用}
        event.handedback    {%s刚退回该事件：请交办给其他单位}
        event.consult       {%s事件须填写会商记录：-consult 会商情况}
        event.noextension   {事件 %s 没有待审批的延期申请}
        event.nodeadline    {事件 %s 没有正在计时的核实调查时限}
        event.noreview      {事件 %s 不属于关注度高的事件：其回复审定后即可发布，无需信息办审核}
        event.noinstruction {事件 %1$s 没有编号为“%2$s”的批示}
        event.instructiondone {批示 %s 已落实}
        event.extdays       {延期天数须为 1 到 60 的整数（工作日）}
        event.extonce       {事件 %s 已提出过延期申请，每件只能书面申请一次}
        event.extlate       {延期申请须在认领后 %1$s 个工作日内提出（截至 %2$s），申请期限已过，不能再申请延期}
        event.sendbackempty 请写明退回修改的意见，承办人据此修改
        event.nodraft       没有待审定或待审核的回复稿
        event.badlink       {发布会链接无效：须为 http:// 或 https:// 开头的完整网址}
    }
}

namespace eval yq {
    # ---- disclosure requests, 依申请公开 (request.tcl) ----
    ::msgcat::mcmset zh_cn {
        request.label       {申请 %s}
        request.none        {没有编号为“%s”的申请}
        request.future      收到时间不能晚于当前时间
        request.nodeadline  {%s 没有正在计时的答复期限}
        request.badresult   {核验结果“%s”无效，应为 verified（核验通过）或 failed（未通过）}
        request.nonote      请写明核验了什么（所见的身份证件）
        request.badkind     {征求意见的对象类别“%s”无效，应为 third_party（第三方）或 agency（其他机关）}
        request.noparty     请写明征求意见的对象
        request.nopause     {%1$s 没有正在进行的征求意见 %2$s}
        denied.approver     权限不足：审批意见只能由审批人本人登记
        request.notapprover {%s 不是政府信息公开工作机构的负责人（信息办的单位负责人）}
        request.notold      请写明已以何种方式告知申请人延期
        request.baddays     {延长天数“%s”无效，应为工作日天数}
        request.extonce     {%s 已延长过答复期限（只能延长一次）}
        request.extlate     {%1$s 的答复期限（%2$s）已过，不能再延长}
        request.badanswer   {答复类型“%1$s”无效，应为 %2$s 之一}
        request.baddetail   {答复的具体内容格式不正确（应为“名称 值”成对）}
        request.nodetail    {“%1$s”答复没有“%2$s”这一项（可填：%3$s）}
        request.needdetail  {“%1$s”答复须填写“%2$s”}
        request.norepeat    重复申请的答复须指明同一申请人此前提出、未撤销的申请
        request.badamount   {信息处理费金额“%s”无效（应为 0 至 100000 的数字）}
        request.feereason   请写明收取信息处理费的理由（申请数量或频次明显超过合理范围）
        request.nofee       {%s 没有可减免的信息处理费}
        request.badsecret   申请编号或查询码不正确
        request.unanswered  {申请 %s 尚未答复}
        request.registered  {登记申请 %1$s（%2$s）}
        request.oral        {，口头提出}
        request.similar     {，与%s 相似}
        request.identity.verified {身份核验通过：%s}
        request.identity.failed   {身份核验未通过：%s}
        request.paused.third_party {征求第三方意见：%1$s（自 %2$s 起暂停计时）}
        request.paused.agency      {征求其他机关意见：%1$s（自 %2$s 起暂停计时）}
        request.resumed     {%s 恢复计时}
        request.extended    {延长 %1$s 个工作日，审批人 %2$s，告知申请人方式：%3$s；答复期限至 %4$s}
        request.answered    {答复：%1$s，%2$s，%3$s}
        request.ontime      按期答复
        request.late        逾期答复
        request.fee         {信息处理费 %1$s 元：%2$s}
        request.waived      {减免信息处理费，审批人 %1$s：%2$s}
    }

    # ---- government-information items and 约稿 notices (submission.tcl) ----
    ::msgcat::mcmset zh_cn {
        submission.label    {政务信息 %s}
        submission.none     {没有编号为“%s”的政务信息}
        submission.author   政务信息的撰稿人须为撰写它的用户本人
        submission.otherunit {用户 %1$s 不属于 %2$s}
        submission.notcommissioned {约稿通知 %1$s 没有发给 %2$s}
        submission.noread   {无法读取附件 %s}
        submission.toolarge {附件超过大小上限（submission_file_max，%s 字节）}
        submission.badname  附件名称无效
        denied.signself     权限不足：责任领导只能以本人名义签发
        submission.notsigner {%s 不是该信息所属单位的责任领导（单位负责人）}
        submission.delivered 该信息已回应约稿通知并计为报送，不能撤回
        submission.notadopted {%1$s 当前为“%2$s”，不能报送省级（只有已采用的信息可以报送）}
        submission.badkind  {报送种类“%s”无效，应为 item（政务信息）或 special（专报）}
        submission.unsigned {%s 须经本单位责任领导审核签发后才能报送}
        submission.attached {附件 %1$s（%2$s 字节，SHA-256 %3$s）}
        submission.sent     已报送
        submission.delivers {，按时回应约稿通知 %s}
        submission.deliverslate {，逾期回应约稿通知 %s}
        commission.label    {约稿通知 %s}
        commission.none     {没有编号为“%s”的约稿通知}
        commission.nounits  约稿通知至少要发给一个单位
        calendar.badyear    {年份“%s”无效}
    }
}

namespace eval yq {
    # ---- posts and events (analyse/event.tcl), the audit log (audit.tcl) ----
    ::msgcat::mcmset zh_cn {
        post.none           {没有编号为 %s 的帖子}
        event.none          {没有编号为 %s 的事件（event list 列出事件）}
        event.mergeself     事件不能与自身合并
        event.mergeworkflow {事件 %s 已进入处置流程，不能被合并}
        event.notpost       {帖子 %1$s 不属于事件 %2$s}
        event.splitall      {拆出全部帖子会使事件 %s 成为空事件}
        audit.ok            {哈希链完整，共 %s 条记录}
        audit.missing       {审计日志在第 %1$s 条处断裂：缺少第 %2$s 条（被删除或调换了顺序）}
        audit.order         {审计日志在第 %1$s 条处断裂：它不接续第 %2$s 条（有记录被删除、插入或调换）}
        audit.changed       {审计日志在第 %s 条处断裂：该条内容被修改}
        audit.pruned        {%2$s 之前的 %1$s 条记录已归档至 %3$s}
    }
}

namespace eval yq {
    # ---- the working-day calendar and the time limits (calendar.tcl) ----
    ::msgcat::mcmset zh_cn {
        calendar.baddate    {日期“%s”格式不正确，应为 年-月-日（如 2026-03-02）}
        calendar.noday      {日期“%s”不存在（年份应在 1900 至 2999 之间）}
        calendar.badtime    {时间“%s”格式不正确，应为 年-月-日 时:分（如 2026-03-02 10:30）}
        calendar.needdata   {%s 需要数据目录：请用 -d 数据目录、设置 YQBOX_DATA 或配置 datadir}
        calendar.badline    {%1$s 第 %2$s 行：%3$s 年的日历每行应为“年-月-日 off|work 名称”}
        calendar.noread     {无法读取文件 %s}
        calendar.toolarge   {文件 %s 过大，不是日历文件（超过 1 MB）}
        calendar.json       {%1$s 第 %2$s 行：JSON 格式错误（%3$s）}
        calendar.notcal     {%s 不是节假日日历：应为含“year”和“days”的对象}
        calendar.jsonyear   {%1$s 第 %2$s 行：“year”应为 1900 至 2999 之间的年份，实为“%3$s”}
        calendar.papers     {%1$s 第 %2$s 行：“papers”应为文字列表}
        calendar.days       {%1$s 第 %2$s 行：“days”应为非空的对象列表}
        calendar.at         {%1$s 第 %2$s 行（第 %3$s 项）}
        calendar.object     {%s：应为一个对象}
        calendar.missing    {%1$s：缺少“%2$s”}
        calendar.notdate    {%1$s：“%2$s”不是日期（应为 年-月-日）}
        calendar.notyear    {%1$s：%2$s 不在 %3$s 年或其前后一年}
        calendar.offday     {%1$s：“isOffDay”应为 true 或 false，实为“%2$s”}
        calendar.name       {%s：名称应为 1 至 64 个字符，且不含控制字符}
        calendar.twice      {%1$s：%2$s 重复录入（另见第 %3$s 行）}
        calendar.year       {年份“%s”无效，应为 1900 至 2999 之间的年份}
        calendar.onoff      {“%s”无效，应为 on（允许）或 off（禁止）}
        calendar.hasofficial {%s 年已有官方节假日安排，按周一至周五推算只用于尚无官方安排的年份}
        calendar.fallbackon {%s 年尚无官方安排时按周一至周五推算（已允许）}
        calendar.fallbackoff {%s 年尚无官方安排时禁止推算（已禁止）}
        calendar.noofficial {%s 年没有官方节假日安排}
        calendar.workdays   {工作日天数“%s”无效，应为 1 至 3660 的整数（或负数）}
        calendar.norule     {没有名为“%s”的时限规则（calendar rules 列出全部规则）}
        calendar.badlimit   {时限“%s”无效，应为时限规则名（calendar rules 列出）或“数量 单位”，单位为 minutes、hours、days、workdays 或 patrols}
        calendar.pauses     {暂停时段“%s”无效，应为 {开始 结束} 的列表}
        calendar.pause      {暂停时段“%s”无效，应为 {开始 结束}（尚未结束时结束为空）}
        calendar.pauseorder {暂停时段“%s”的结束早于开始}
        calendar.toofar     截止时间在十年以后，请检查时限
        calendar.badext     {延长量“%1$s”无效，应为整数（%2$s）}
        calendar.extreason  {延长时限须写明理由（-reason 理由）}
        calendar.noext      {时限规则 %s 不能延长}
        calendar.extcap     {延长 %1$s 超过了规则 %3$s 允许的 %2$s（%4$s）}
        calendar.hours      {办公时间顺序不正确：须 office_am_start < office_am_end <= office_pm_start < office_pm_end}
        calendar.duty       {值班开始时间 duty_start 须早于结束时间 duty_end}
    }

    # ---- the county's map and the first-run setup (analyse/map.tcl, county.tcl) ----
    ::msgcat::mcmset zh_cn {
        perm.map.manage     管理本县地图
        perm.setup.manage   首次设置
        act.map.import      导入本县地图
        act.map.add         增加地图条目
        act.map.remove      删除地图条目
        act.map.unit        指定乡镇责任单位
        act.county.mode     设置本机县份模式
        act.county.set      首次设置
        map.toolarge        {文件超过 %s MB，不是地图名录}
        map.encoding        {文件编码为 %s，应为 UTF-8 或 GB18030（GBK）}
        map.row             {第 %1$s 行：%2$s}
        map.quote           引号未闭合
        map.columns         {有 %s 列，最多 5 列：乡镇（街道）、村（社区）、代码、别名、类别}
        map.code            {代码“%s”应为 1 至 15 位数字}
        map.kind            {类别“%s”无效，应为空（村、社区）或 地标、学校、医院、园区、道路}
        map.noplace         地点名称为空
        map.twice           {“%1$s”重复（另见第 %2$s 行）}
        map.notown          乡镇（街道）为空
        map.name            {名称“%s”无效：应为 1 至 40 个字，不含空格和控制字符}
        map.empty           文件中没有乡镇（街道）
        map.toomany         {超过 %s 行，不是一个县的名录}
        map.exists          {“%s”已在地图中}
        map.none            {地图中没有“%s”}
        map.noread          {无法读取文件 %s}
        map.imported        {已导入 %1$s 个乡镇（街道）、%2$s 个村（社区）、%3$s 个地点}
        map.exported        {已导出 %1$s 行到 %2$s}
        county.key          {没有设置项“%1$s”，可设置：%2$s}
        county.empty        {请填写%s}
        county.bad          {%s过长或含控制字符}
        county.code         {行政区划代码“%s”应为 6 位数字}
        county.prefix       {%1$s“%2$s”不能含空格，最多 30 字}
        county.role         {角色“%1$s”无效，应为 %2$s}
        county.noread       {无法读取设置文件 %s}
        county.fileline     {%1$s 第 %2$s 行：%3$s}
        county.syntax       {格式不正确（见 help setup file）}
        county.word         {未知的设置“%s”（见 help setup file）}
        county.filedone     {已按设置文件执行 %1$s 项；尚缺 %2$s 项}
        county.catalog      {部门目录中没有“%1$s”，目录：%2$s}
        county.done         首次设置已完成
        county.demo         本机为示范县（青山县，虚构），无需首次设置
    }
}

