# home.tcl - the home page and the health check.

# /: what the appliance is, with the way to the public reply column.
route GET / {} {
    cacheable home
    web::page 首页 [tmpl {
<h1>舆情一体机</h1>
<p>本设备为县政府网络舆情工作一体机：按时巡查本地网站、论坛和新闻，
发现涉及政府工作的网络舆情，一事一报，跟踪认领、研判、核实调查、回应和发布各环节的办理时限，
并在政府网站“政民互动 → 网络新闻发言人”栏目公开发布回应。</p>
<p><a href="/replies/">网络新闻发言人：舆情回应公开栏目</a></p>
}]
}

# /healthz: 200 with a small JSON body while the worker and its database answer.
route GET /healthz {} {
    db onecolumn {SELECT 1}
    respond header Cache-Control no-store
    respond json [json object status string ok]
}
