# shapeslib.tcl - the list-page shapes of tests/fixtures/shapes (forum tables, Tieba-like, news
# columns, 县长信箱, notices, cards, 问政, blog, ranking, div tables, search results) with the records
# a patrol must find on each, shared by sourcetry.test (the console) and sourcetryweb.test (the web).

# Each shape with the records a patrol must find: count, first title, last title, first link. The
# proposed rules must give exactly these, with no edit.
set shapes {
    phpwind  {5 桃源镇卫生院夜间没有值班医生 出售九成新电动车一辆，价格面议 /read-9101.html}
    tieba    {4 东湖小区电梯又坏了，困了两个人 周末去青山水库钓鱼被罚款合理吗 /p/7001}
    column   {7 县政府召开第十二次常务会议 青山县图书馆新馆五一期间开放 /2024/05/08/n101.html}
    notice   {5 关于2024年端午节放假安排的通知 青山县征兵工作公告 /202405/t20240507_4101.html}
    mailbox  {4 关于城东学区划分不合理的反映 咨询灵活就业人员社保补贴申领 /detail?id=8801}
    cards    {4 航拍青山湖湿地公园初夏美景 青山县消防救援大队开放日活动 /pic/501.html}
    wenzheng {5 城北公园厕所长期锁门不开放 桃源镇中心小学门口交通拥堵 /wz/show/66120}
    blog     {3 东湖绿道走一圈的所见所闻 9路公交改线，城西居民出行更难了 /blog/2024/05/07/walk-east-lake/}
    ranking  {6 县城房价又涨了？来看看最新成交 滨河公园新装的健身器材已经坏了 /t/30011}
    divtable {4 新城小区物业费涨价业主不同意 南门菜场搬迁后停车难 /topic/441}
    results  {4 城东片区房屋征收补偿方案公示 县征收办开展政策宣讲进社区活动 /art/2024/5/6/art_12_5501.html}
}
