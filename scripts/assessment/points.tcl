# points.tcl - the quarterly assessment's points formula (考核积分办法), the bundled default.
#
# Every unit (department or township) starts each period at `base` points; each `part` line adds
# WEIGHT points for every one of the counter NAME (a negative weight takes points off). The
# counters are counted by scripts/assessment.tcl (assessment counters lists them, with what each
# counts). To change the formula, copy this file, edit it, and point the config key
# assessment_formula at the copy; `assessment formula` shows the one in force. The file runs in a
# safe interpreter: plain Tcl (set, expr, if) works, nothing outside it can be touched.
#
#    part NAME WEIGHT LABEL          LABEL is the column title (Chinese) in the notice and CSV
#    title TEXT                      the formula's name and version, shown on the assessment page
#                                    (change it in a copy: 青山县考核积分办法（2026年修订）)

title 考核积分办法（系统默认，2026年版）
base 100

# 网络舆情办理 (001 第六、八、九、十二条; 004 二(四))
part claimed_ontime        1    按时认领
part assigned_overdue     -2    逾期未认领被指定
part reports_ontime        2    调查报告按时
part reports_late         -3    调查报告逾期
part extensions           -0.5  申请延期
part replies_ontime        2    回应按时
part replies_late         -3    回应逾期
part limit_breaches       -5    超24/48小时时限
part instructions_ontime   2    批示按时办结
part instructions_late    -3    批示逾期

# 政务信息报送 (000 政务信息工作制度 二、三)
part submissions_adopted   1    信息采用
part months_below_quota   -5    月度报送未达标
part commissions_late     -2    约稿逾期

# 转载市级重大信息 (004 三(三)): only on a city box ranking its member counties ($city); a repost
# done after its due time (Weibo 1 hour, WeChat 1 working day) earns nothing, and is named in the
# 通报 (000 四: 点名通报)
if {$city} {
    part reposts_ontime        1    按时转载
    part reposts_late          0    逾期转载（不得分）
}

# 网民满意度 (public column's vote): only when the config key assessment_votes is on ($votes);
# a reply counts once, by the majority of the votes cast on it in the period
if {$votes} {
    part votes_satisfied       0.5  回应获网民满意
    part votes_unsatisfied    -1    回应网民不满意
}
