package sandbox

import (
	"fmt"
	"math/rand/v2"
)

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞斌宇浩凯健俊帆丹玲晶婷雪琳欣然子涵梓轩雨泽思远佳怡")
	units    = []string{"销售", "采购", "仓储", "财务", "行政", "市场", "客服", "物流", "质检", "研发"}
	titles   = []string{"专员", "主管", "经理", "助理", "工程师", "会计", "仓管员", "业务员"}
)

// Generate builds an org of depts departments (a tree under the root) and
// users users, deterministic for a seed: the scale tests and the demo use it.
// Every department's first member leads it.
func Generate(depts, users int, seed uint64) Org {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var org Org
	for i := 0; i < depts; i++ {
		id := int64(i + 2)
		parent := int64(1)
		if i >= len(units) {
			parent = int64(2 + r.IntN(i)) // somewhere under an earlier department
		}
		name := units[i%len(units)] + "部"
		if i >= len(units) {
			name = fmt.Sprintf("%s%d组", units[i%len(units)], i/len(units))
		}
		org.Departments = append(org.Departments, Department{ID: id, Name: name, ParentID: parent})
	}
	led := map[int64]bool{}
	for i := 0; i < users; i++ {
		dept := int64(1)
		if depts > 0 {
			dept = int64(2 + i%depts)
		}
		u := User{
			UserID:    fmt.Sprintf("user%05d", i+1),
			UnionID:   fmt.Sprintf("union%05d", i+1),
			Name:      string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))]) + string(given[r.IntN(len(given))]),
			Title:     titles[r.IntN(len(titles))],
			JobNumber: fmt.Sprintf("E%05d", i+1),
			Mobile:    fmt.Sprintf("13%09d", r.IntN(1_000_000_000)),
			DeptIDs:   []int64{dept},
			Active:    true,
		}
		if !led[dept] {
			led[dept] = true
			u.Leads = []int64{dept}
			u.Title = "经理"
			for j := range org.Departments {
				if org.Departments[j].ID == dept {
					org.Departments[j].Managers = []string{u.UserID}
				}
			}
		}
		org.Users = append(org.Users, u)
	}
	return org
}
