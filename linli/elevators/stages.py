"""The default stages of a lift project (rules/lift.md, after Shanghai's 2019 procedure). A community gets
its own copy with its first project and may rename them or add its own; Linli's rules find the stages
they depend on by `code`."""

from django.utils.translation import gettext_lazy as _

SURVEY = "survey"
PUBLICITY = "publicity"
CONSULTATION = "consultation"
DESIGN = "design"
PERMIT = "permit"
START = "start"
CONSTRUCTION = "construction"
REGISTRATION = "registration"
ACCEPTANCE = "acceptance"
OPERATION = "operation"

DEFAULT_STAGES = [
    (SURVEY, _("意向摸排"), _("摸清各户加梯意向")),
    (PUBLICITY, _("宣传动员"), _("政策宣讲、智囊团答疑、参观已建电梯、一户一谈")),
    (CONSULTATION, _("意愿征询"), _("业主表决，公布意愿征询结果公告")),
    (DESIGN, _("方案设计"), _("设计、造价和费用分摊方案，设计方案公示")),
    (PERMIT, _("规划许可"), _("规划许可和房屋安全性论证")),
    (START, _("开工"), _("超过限额办理施工许可证，否则开工信息报送")),
    (CONSTRUCTION, _("施工"), _("施工、楼道值守、安装监督检验")),
    (REGISTRATION, _("使用登记"), _("投入使用后限期办理使用登记")),
    (ACCEPTANCE, _("竣工验收"), _("联合竣工验收")),
    (OPERATION, _("运维"), _("电梯使用管理人、维保、电梯基金")),
]
