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
    # ---- the link between boxes: county → city (federation/*.tcl) ----
    ::msgcat::mcmset zh_cn {
        federation.noname    {本机尚未设置联网名称（conf set fed_name 名称），不能加入或建立上下级联网}
        federation.nopeer    {没有名为“%s”的联网单位（federation list 列出本机的上级和成员）}
        federation.badmsg    {联网消息不合格：%s 字段“%s”不符合要求，已拒收}
        federation.disabled  {联网单位“%s”已停用，不接收它的消息}
        federation.seqtaken  {联网消息冲突：关于 %s 的第 %s 条消息已收到过另一份，已拒收}
        federation.nohandler {本机不认识这种联网消息（%s），请升级本机的程序}
        act.federation.send    联网消息已送达
        act.federation.receive 收到联网消息
    }
}

namespace eval yq {
    # ---- the link itself: enrolment, HTTPS transport, files, health (federation/{enrolment,transport,files,health}.tcl) ----
    ::msgcat::mcmset zh_cn {
        federation.notcity     {本机不是市级联网节点（fed_role 须为 city 或 both），不能发邀请码或接收县区加入}
        federation.notcounty   {只有县区联网节点（fed_role county）才能加入上级}
        federation.nourl       {没有本机供县区访问的 HTTPS 地址：请设置 fed_url（conf set fed_url https://地址:端口）或用 -url 指定}
        federation.badname     {联网名称不能为空，且不超过 64 个字符}
        federation.exists      {已有名为“%s”的联网单位}
        federation.hasparent   {本机已经加入了上级联网，不能再加入}
        federation.noparent    {本机还没有上级联网（federation join 邀请码 加入）}
        federation.notparent   {“%s”不是通过网络连接的上级，不能与它交换消息}
        federation.badcode     {邀请码无效（请核对是否完整、是否是市里给本机的那一个），未保存任何内容}
        federation.expired     {邀请码已过期，请市里重新生成}
        federation.used        {邀请码已经使用过，不能再次使用；请市里重新生成}
        federation.wrongname   {邀请码是发给“%2$s”的，本机的联网名称是“%1$s”}
        federation.badcert     {证书不合格：%s}
        federation.badanswer   {上级的答复未通过校验（证书与邀请码中的指纹不符或签名错误），未保存任何内容}
        federation.joined      {已加入上级联网：%s}
        federation.badbody     {联网请求不合格：%s 内容无法识别，已拒收}
        federation.internal    {对方处理联网请求时出错，请查看其日志}
        federation.full        {“%s”尚有 %s 条消息未处理，超过上限 fed_max_pending，暂不接收新消息}
        federation.clock       {两端时钟相差 %s 秒，超过允许的 %s 秒（fed_window）：请校准时钟}
        federation.auth.missing {联网请求缺少签名信息（%s），已拒收}
        federation.auth.bad    {联网请求的签名信息（%s）格式不对，已拒收}
        federation.auth.unknown {发出请求的证书不属于任何已加入的联网单位，已拒收}
        federation.auth.sig    {“%s”的签名校验失败，已拒收}
        federation.auth.replay {联网请求重复（可能是重放攻击），已拒收}
        federation.pin         {对方的证书与加入时登记的指纹不符（可能连错了地址或遭到冒充），未发送任何内容}
        federation.unreachable {无法连接对方（%s：%s）}
        federation.refusedby   {对方拒绝（HTTP %s）：%s}
        federation.busy        正在交换中
        federation.exchanged   {发送 %s 条，收到 %s 条}
        federation.backoff     {连续失败，%s 秒后重试}
        federation.drained     {补处理 %s 条收到的消息}
        federation.nothing     {没有需要联网交换的上级}
        federation.file.none   {文件 %s 不存在}
        federation.file.big    {文件 %s 超过 %s 字节的上限（fed_file_max），未导入}
        federation.file.truncated {文件 %s 不完整（被截断或缺少校验和与签名），未导入任何内容}
        federation.file.checksum  {文件 %s 的校验和不符（内容被改动或损坏），未导入任何内容}
        federation.file.format {文件 %s 不是联网文件或格式损坏，未导入任何内容}
        federation.file.foreign {文件 %s 不是由已加入的联网单位签发的，未导入任何内容}
        federation.file.signature {文件 %s 的签名与“%s”的证书不符，未导入任何内容}
        federation.file.notours {文件 %s 是发给“%s”的，不是本机，未导入任何内容}
        federation.file.acked  {“%s”的回执：%s 条消息标为已送达（回执共 %s 条）}
        federation.file.imported {已导入“%s”的 %s 条消息，回执已写入 %s（请带回对方导入）}
        federation.file.refused {拒收消息 %s：%s}
        federation.never       从未联系
        federation.nopeers     {本机没有上级或成员（市：federation invite；县区：federation join）}
        federation.watched     {检查 %s 条链路，%s 条中断，新通知 %s 条}
        federation.silent.subject {上下级联网中断：%s}
        federation.silent.body {与“%1$s”的联网已超过 %2$s 小时没有成功交换（最近联系：%3$s），待发消息 %4$s 条。%5$s 请检查网络或改用离线文件交换（federation export/import）。}
        act.federation.invite  生成联网邀请码
        act.federation.join    加入上级联网
        act.federation.enrol   县区加入联网
        act.federation.enrol.refused 拒绝联网加入请求
        act.federation.import  导入联网文件
        act.federation.silent  联网中断告警
    }
}

namespace eval yq {
    # ---- what crosses the link: the county's reports, the city's tasks (federation/county.tcl, city.tcl) ----
    ::msgcat::mcmset zh_cn {
        repost.none         {没有编号为“%s”的转载任务（repost list 列出）}
        repost.badlink      {转载链接须为 http 或 https 网址}
        repost.badtime      {转载时间“%s”无效：应为 年-月-日 时:分，且不晚于现在}
        city.notcity        {本机不是市级平台（conf set fed_role city 或 both），没有县区上报的数据}
        city.nomember       {没有名为“%s”的县区成员单位}
        city.nomembers      本机尚无县区成员单位，无法下发
        city.badchannel     {转载渠道“%s”无效，应为 weibo（政务微博）或 wechat（政务微信）}
        city.badtime        {发布时间“%s”无效：应为 年-月-日 时:分}
        city.empty          {%s不能为空}
        city.badlink        {发布链接须为 http 或 https 网址}
        city.noperiod       {期间“%s”无效，应为 YYYY-Qn（如 2026-Q1）}
        perm.repost.record  登记市级转载任务
        perm.city.view      查看县区上报
        perm.city.task      向县区下发任务和通报
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
}

namespace eval yq {
    # ---- relevance rules, term lists, the sentiment lexicon, the risk score (analyse/) ----
    ::msgcat::mcmset zh_cn {
        rule.unclosed       {第 %s 列：引号没有闭合}
        rule.emptylit       {第 %s 列：引号内的词为空}
        rule.empty          {规则为空：请写出规则表达式，如 (区域) AND (话题)}
        rule.expectop       {第 %1$s 列：此处应为 AND、OR、NOT 或规则结束，实为“%2$s”}
        rule.close          {第 %1$s 列：应有“)”与第 %2$s 列的“(”配对，实为%3$s}
        rule.theend         规则结束
        rule.nolist         {第 %1$s 列：没有名为“%2$s”的词表（现有词表：%3$s）}
        rule.endearly       {第 %s 列：规则在此结束，但此处应为词表名、带引号的词或“(”}
        rule.expectterm     {第 %1$s 列：此处应为词表名、带引号的词或“(”，实为“%2$s”}
        rule.none           {没有名为“%s”的规则（rule list 列出全部规则）}
        rule.badname        {规则名须为一个词（不含空格），实为“%s”}
        rule.bad            {规则 %1$s：%2$s}
        terms.where         {词表 %s}
        terms.line          {%1$s 第 %2$s 行}
        terms.emptyterm     {%1$s：“%2$s”中的词为空}
        terms.badopt        {%1$s：“%3$s”中的选项“%2$s”无效（可用 /w 整词匹配、/not:较长词,较长词 排除）}
        terms.badattr       {%1$s 第 %2$s 行：属性应写成 名称=值，实为“%3$s”}
        terms.nosection     {%1$s 第 %2$s 行：第一个 [词表名] 之前不能有词}
        terms.unittwice     {%1$s：单位 [%2$s] 定义了两次}
        terms.listtwice     {%1$s：词表 [%2$s] 定义了两次}
        terms.noplace       {units.txt：单位 [%1$s] 所在地 [%2$s] 没有对应的地名词表}
        terms.groupname     {词表 [%s] 与一个词表组同名}
        terms.none          {没有名为“%s”的词表（terms list 列出全部词表）}
        terms.isgroup       {“%1$s”是词表组，不能整体替换，请修改其成员词表（%2$s）}
        terms.nounit        {词表中没有名为“%s”的单位}
        terms.word          前后不紧接字母或数字
        terms.not           {不计%s中的}
        lexicon.line        {情感词典 %1$s 第 %2$s 行：应为一个数值后接若干词}
        lexicon.twice       {情感词典 %1$s 第 %2$s 行：“%3$s”已在 %4$s 以不同的类别或分值列出}
        score.thresholds    {风险等级的分数线须逐级递增：较大 score_level_larger %1$s、重大 score_level_major %2$s、特别重大 score_level_special %3$s}
        score.tier          {来源级别须为 1 至 4，实为“%s”}
    }
}

namespace eval yq {
    # ---- notices, documents, the deadline clock (workflow/notify.tcl, documents.tcl, deadline.tcl,
    # states.tcl) ----
    ::msgcat::mcmset zh_cn {
        notify.hookfield    {群机器人 %1$s：没有“%2$s”这一项（可填：url 地址、format 格式、roles 角色、units 单位、secret 密钥）}
        notify.hookurl      {群机器人 %s：url 须为 http:// 或 https:// 开头的完整网址}
        notify.hookformat   {群机器人 %1$s：format 须为 %2$s 之一}
        notify.hookrole     {群机器人 %1$s：没有“%2$s”这个角色（可填：%3$s）}
        notify.hookgone     {群机器人 %s 已从配置中删除，无法发送}
        notify.nohook       {配置中没有名为“%s”的群机器人（webhook）}
        notify.nosmtp       未配置邮件服务器（smtp_url），无法发送邮件
        notify.nosms        未配置短信网关（sms_url），无法发送短信
        notify.bademail     {邮箱地址“%s”格式不正确}
        notify.badmobile    {手机号“%s”不正确：应为以 1 开头的 11 位数字}
        notify.flushed      {已发送或尝试发送 %s 条通知}
        workflow.noprocess  {没有名为“%1$s”的流程，应为 %2$s 之一}
        document.badkind    {公文种类“%1$s”无效，应为 %2$s 之一}
        document.baddigest  {简报种类“%s”无效，应为 日报 或 周报}
        document.none       {没有编号为 %s 的公文}
        deadline.nooffice   没有启用的信息办单位，无法自动指定认领
    }
}

namespace eval yq {
    # ---- the assessment and its formula (assessment.tcl), periods (reporting.tcl), TOTP reset
    # (org.tcl), the 舆情反馈 column (column.tcl) ----
    ::msgcat::mcmset zh_cn {
        assessment.value    {值超过 %s 个字符}
        assessment.parts    {积分公式的计分项超过 %s 项}
        assessment.large    {文件超过 %s 字节}
        assessment.noread   {无法读取积分公式 %1$s：%2$s}
        assessment.limit    {运行超过 %1$s 秒或 %2$s 条命令（公式只应设置 base 基础分和 part 计分项）}
        assessment.formula  {积分公式 %1$s：%2$s}
        assessment.command  {公式只能使用 set、expr、if、incr、list、lindex、llength、foreach、for、while、break、continue、base、part，不能使用“%s”}
        assessment.base     {base 基础分须为数值}
        assessment.counter  {没有“%s”这个计数项（assessment counters 列出全部计数项）}
        assessment.weight   {计数项 %s 的权重须为数值}
        assessment.defaulttitle 考核积分办法（系统默认）
        assessment.customtitle  本县自定义考核积分办法
        assessment.bundled  {积分公式：%1$s（版本 %2$s），为系统自带的默认公式；如需调整，由系统管理员复制默认公式修改后，在配置项 assessment_formula 中指定。}
        assessment.custom   {积分公式：%1$s（版本 %2$s），为本县自定义公式，由系统管理员在配置项 assessment_formula 中指定并维护。}
        assessment.noevents {计数项“%s”不对应具体事件}
        assessment.notassessed {%s 不参加考核（只考核启用的部门和乡镇）}
        reporting.period    {期间“%s”无效，应为 年、年-月 或 年-Q季度（如 2026、2026-03、2026-Q1）}
        reporting.year      {期间“%s”的年份无效（应在 2000 至 2999 之间）}
        reporting.usage     {参数不成对；用法：%s}
        reporting.option    {没有“%1$s”这个选项；用法：%2$s}
        user.nototp         {“%s”没有启用动态口令，无需重置}
        user.totpreset      {已删除密钥和恢复码，结束 %s 个会话}
        feedback.badevent   {事件编号应为正整数：“%s”}
        feedback.badurl     {跟帖地址应为以 http:// 或 https:// 开头的网址：“%s”}
        feedback.empty      跟帖回复的内容不能为空
        feedback.long       {跟帖回复的内容过长（最多 %s 字）}
        feedback.noevent    {没有编号为 %s 的事件}
        feedback.nounit     {事件 %s 尚无承办单位，不能登记跟帖回复}
    }
}

namespace eval yq {
    # ---- sources and patrols (crawl/crawl.tcl, source.tcl, json.tcl, sitemap.tcl, post.tcl) ----
    ::msgcat::mcmset zh_cn {
        source.none         {没有名为“%s”的采集源（source list 列出全部采集源）}
        source.badname      {采集源标识应为 1 至 64 个字母、数字或 _ . - 字符}
        source.field        {采集源没有“%1$s”这一字段，可填：%2$s}
        source.needfield    {采集源须填写“%s”字段}
        source.tier         {来源级别“%1$s”无效，应为 %2$s 之一}
        source.url          {采集地址“%s”无效：须为 http:// 或 https:// 开头的完整网址}
        source.proxy        {代理“%s”无效：应为 http://主机:端口 这样的地址（也可用 https:// 或 socks5://）}
        source.bool         {字段“%1$s”的值“%2$s”无效，应为 1（是）或 0（否）}
        source.interval     {巡查间隔“%s”无效，应为分钟数（0 表示按统一巡查计划）}
        source.pairs        {字段“%s”应为成对的名称和值}
        source.rule         {采集规则中没有“%1$s”这一项，可填：%2$s}
        source.needrule     {采集规则须填写“%s”}
        source.boolrule     {采集规则“%1$s”的值“%2$s”无效，应为 1（是）或 0（否）}
        source.intrule      {采集规则“%1$s”的值“%2$s”无效，应为整数}
        source.jsonitems    {接口采集源须填写采集规则“items”（条目列表所在的路径，整个响应即列表时填空字符串 ""）}
        source.jsonlink     {接口采集源须填写采集规则“link”或“link_template”之一（条目的链接）}
        source.regexp       {采集规则“%1$s”不是有效的正则表达式：%2$s}
        source.inconf       {采集源“%s”定义在 appliance.conf 中：请在该文件中修改}
        source.inconfremove {采集源“%s”定义在 appliance.conf 中：请在该文件中删除}
        source.hasposts     {采集源“%1$s”已采集到帖子，不能删除：请改为停用（source disable %1$s）}
        source.exists       {采集源“%s”已存在}
        source.noopml       {该 OPML 文件中没有订阅源（<outline xmlUrl=…> 条目）}
        crawl.robots        {该网站的 robots.txt 不允许抓取 %s}
        post.nosearch       请输入要搜索的词
    }
}

namespace eval yq {
    # ---- the configuration: appliance.conf at start-up and `conf set` (conf.tcl) ----
    ::msgcat::mcmset zh_cn {
        conf.unknown        {没有名为“%s”的配置项（conf list 列出全部配置项）}
        conf.block          {应为“名称 {字段 值 …}”的形式}
        conf.list           {“%s”不是有效的列表（含空格的值请用花括号括起）}
        conf.boolean        {“%s”无效，应为 1 或 0（也可写 true/false、yes/no）}
        conf.integer        {“%s”无效，应为整数}
        conf.number         {“%s”无效，应为数字}
        conf.range          {“%1$s”超出范围，应在 %2$s 至 %3$s 之间}
        conf.enum           {“%1$s”无效，应为 %2$s 之一}
        conf.hhmm           {“%s”无效，应为一天中的时刻 时:分（如 08:30）}
        conf.addr           {“%s”无效，应为 主机:端口（如 0.0.0.0:8443），留空表示关闭}
        conf.baseurl        {“%s”无效，应为不带路径的网址 https://主机 或 https://主机:端口}
        conf.url            {“%s”无效，应为 http:// 或 https:// 开头的网址，留空表示关闭}
        conf.noread         {无法读取配置文件 %1$s：%2$s}
        conf.syntax         {%1$s: 配置文件有误（%2$s）}
        conf.nokey          {%1$s: 没有名为“%2$s”的配置项（yqbox config 列出全部配置项）}
        conf.blockargs      {%1$s: 配置项“%2$s”应写作“%2$s 名称 {字段 值 …}”}
        conf.blockbody      {%1$s: %2$s“%3$s”的内容应为成对的字段和值}
        conf.blocktwice     {%1$s: %2$s“%3$s”重复定义}
        conf.blockbad       {%1$s: %2$s“%3$s”：%4$s}
        conf.onevalue       {%1$s: 配置项“%2$s”只能有一个值，实有 %3$s 个（含空格的值请用花括号括起）}
        conf.badvalue       {%1$s: 配置项“%2$s”：%3$s}
        conf.incomplete     {%1$s: 命令不完整（缺少右花括号、右方括号或引号）}
    }
}

namespace eval yq {
    # ---- the data directory and the database (db.tcl) ----
    ::msgcat::mcmset zh_cn {
        db.nodir            {数据目录 %1$s 不存在（用 yqbox init %1$s 创建）}
        db.notdir           {数据目录 %s 不是目录}
        db.dirread          {数据目录 %s 不可读：请检查其所有者和权限}
        db.dirwrite         {数据目录 %s 不可写：请检查其所有者和权限}
        db.private          {数据目录 %1$s：%2$s 可被其他用户读取，且无法改为仅本用户可读（%3$s）：请修改其所有者或权限}
        db.none             {%1$s 中没有数据库（用 yqbox init %1$s 初始化）}
        db.access           {数据库 %s 不可读写：请检查其所有者和权限}
        db.open             {无法打开数据库 %1$s：%2$s}
        db.notours          {%1$s 不是本系统的数据库（%2$s）}
        db.foreign          {%s 不是本系统的数据库（属于其他应用程序）}
        db.wal              {无法将数据库 %s 切换到 WAL 模式}
        db.newer            {数据库的结构版本为 %1$s，比本程序所知的最新版本（%2$s）新：请使用更新版本的 yqbox}
        db.fk               {升级后有记录的外键失效（表 行号 父表 外键）：%s}
        db.migration        {数据库升级 %1$s 失败：%2$s}
    }

    # ---- backups and restores (backup.tcl) ----
    ::msgcat::mcmset zh_cn {
        backup.snapshot     {数据库快照未通过完整性检查：%s}
        backup.exists       {%s 已存在：请另取一个文件名}
        backup.nowrite      {无法写入 %1$s：%2$s 不是可写的目录}
        backup.changed      {%s 在复制过程中被修改：请重新备份}
        backup.truncated    {文件在%s处结束（文件不完整）}
        backup.longline     {%s过长（不是本系统的备份文件？）}
        backup.notgzip      {不是 gzip 文件：%s}
        backup.notbackup    不是本系统的备份文件
        backup.badline      {%s格式不正确}
        backup.cut          {%s：文件在其中途结束（文件不完整）}
        backup.framing      {%s：文件分隔不正确}
        backup.checksum     {%s：校验和不符（文件已损坏）}
        backup.trailing     {END 行之后还有数据}
        backup.bad          {备份文件 %1$s 未通过检查：%2$s}
        backup.dbcheck      {数据库：%s}
        backup.noread       {无法读取备份文件 %s}
        backup.running      {%s 上正在运行服务：请先停止服务再恢复}
        backup.noparent     {无法恢复到 %1$s：%2$s 不是可写的目录}
        backup.newer        {备份文件 %1$s 的数据库结构版本为 %2$s，比本程序所知的最新版本（%3$s）新：请使用更新版本的 yqbox}
        backup.move         {无法将恢复的目录移到位：%s}
    }
}

namespace eval yq {
    # ---- time limits asked for at the console (calendar.tcl, calendar deadline) ----
    ::msgcat::mcmset zh_cn {
        calendar.notlimit   {规则 %1$s（%2$s）不是时限，不能计算截止时间（calendar rules 列出全部规则）}
        calendar.nopause    {时限规则 %s 不能暂停计时}
        calendar.nopatrolpause 按巡查次数计算的时限不能暂停计时
    }
}

namespace eval yq {
    # ---- what `yqbox config` / `config show` and a new appliance.conf say of each key (conf.tcl) ----
    ::msgcat::mcmset zh_cn {
        conf.describe       {%1$s：%2$s（默认 %3$s；来自 %4$s）}
        conf.from.default   默认值
        conf.from.console   控制台
        conf.template1      {appliance.conf：本机配置（Tcl 语法，每行一个“配置项 值”）。}
        conf.template2      {列出了每个配置项及其默认值；去掉行首的 # 即可修改。}
        conf.template3      {yqbox config 显示当前生效的值。}
    }
}

namespace eval yq {
    # ---- the command line, the service, jobs, the console, sessions (cli.tcl, service.tcl,
    # job.tcl, console.tcl, main.tcl, session.tcl) ----
    ::msgcat::mcmset zh_cn {
        cli.noconf          {配置文件 %s 不存在}
        cli.timezone        {配置项 timezone：没有“%s”这个时区（应为 Asia/Shanghai 这样的时区名）}
        cli.nodata          {没有指定数据目录：请用 -d 数据目录、设置环境变量 YQBOX_DATA，或在 appliance.conf 中配置 datadir}
        cli.noparent        {无法创建 %1$s：上级目录 %2$s 不存在}
        cli.mkdir           {无法创建 %1$s：%2$s}
        logs.exists         {%s 已存在，未轮转日志}
        service.binary      {程序路径须为绝对路径，实为“%s”}
        service.user        {用户名“%s”无效，应为小写字母或 _ 开头、不超过 32 个字母、数字、_ 或 - 字符}
        service.nostop      {%s 上的服务没有停止}
        job.none            {没有名为“%1$s”的后台任务，可选：%2$s}
        console.none        {没有控制台命令“%s”（help 列出全部命令）}
        time.iso            {“%s”不是 ISO 8601 时间（应为 2026-03-02T10:30:00+08:00 这样的形式）}
        session.none        {没有编号为 %s 的有效会话（session list 列出全部会话）}
    }
}

namespace eval yq {
    # ---- what yqbox init, backup, restore, status and the console's banner print (cli.tcl,
    # backup.tcl, server.tcl) ----
    ::msgcat::mcmset zh_cn {
        cli.uptodate        {%1$s 已是最新（数据库结构版本 %2$s）}
        cli.initialised     {已初始化 %1$s（数据库结构版本 %2$s，执行了 %3$s 项升级）}
        cli.wheredata       {数据目录 %s}
        cli.wherenone       {未指定数据目录（数据库相关命令不可用）}
        cli.banner          {yqbox %1$s 控制台，%2$s。help 列出全部命令。}
        cli.attached        {yqbox %1$s 控制台，已连接 %2$s 上运行的服务。help 列出全部命令；exit 退出控制台（服务继续运行）。}
        backup.written      {已写入备份 %1$s（%2$s 字节，%3$s 个文件，数据库结构版本 %4$s，SHA-256 %5$s）}
        backup.restored     {已将 %1$s 恢复到 %2$s（%3$s 个文件，数据库结构版本 %4$s）}
        backup.aside        {原数据目录已保留为 %s}
        server.notrunning   {%s 上没有正在运行的服务}
        cli.usage           {用法：%s}
        cli.subcommands     子命令：
        cli.options1        {选项：-d 数据目录（未给出时用 $YQBOX_DATA，再用配置项 datadir），-c 配置文件}
        cli.options2        {      --dev 目录：从该源码目录读取 scripts/ 和 webroot/（现场修改用）}
        cli.nosub           {没有子命令“%s”}
        cli.optvalue        {%s 后须跟一个值}
        cli.option          {没有选项 %s}
    }
}

namespace eval yq {
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

namespace eval yq {
    # ---- county2 (issue 20): the office's department catalogue, catalogue terms on the rules page ----
    ::msgcat::mcmset zh_cn {
        perm.department.manage  管理部门目录（设立、改名、停用部门，修改职责词）
        act.catalog.terms       修改部门职责词
        catalog.noterms         {请填写“%s”的职责词}
        catalog.toomany         {职责词有 %1$s 个，最多 %2$s 个}
        catalog.term            {职责词“%s”无效：最多 40 个字，不含控制字符}
        catalog.where           {部门目录“%s”}
        catalog.nodb            修改职责词需要数据目录
    }
}

namespace eval yq {
    # ---- fedfin: the city's decision on 政务信息, the clock skew in the 2-hour rule
    # (federation/city.tcl, county.tcl, web/city.tcl) ----
    ::msgcat::mcmset zh_cn {
        city.noitem         {没有编号为“%s”的县区政务信息}
        city.baddecision    {决定“%s”无效，应为 adopted（采用）或 rejected（不予采用）}
        city.decided        {《%1$s》已经是“%2$s”，未作改动}
        city.skew           {%1$s的时钟比市级平台%2$s %3$s（上次联网时测得）；两小时报送按此偏差校正}
    }
}

namespace eval yq {
    # ---- ready: the server's start (server.tcl) ----
    ::msgcat::mcmset zh_cn {
        server.workertest   {工作线程 %s 按 YQBOX_TEST_WORKER_FAIL 的要求不启动（仅供测试）}
    }
}
