"""The technical substance of the demo: six industries and the problems their enterprises face.

Every demand, expert work and achievement the demo writes is derived from one of these topics, so
that a demand's key problems and an expert's papers and patents share vocabulary (Chinese and some
English) and the matching engine has something real to find. The topics are written from public
engineering knowledge of each field; none describes a real company's project.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Industry:
    """One of the pilot region's key industries (重点产业) named in the Lanzhou report."""

    key: str
    name_zh: str
    name_en: str
    # Words that make a plausible company name in this industry, e.g. "精细化工".
    company_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """A technical problem an enterprise may post as a demand, and the research answering it."""

    key: str
    industry: str
    title: str
    title_en: str
    background: str
    problems: tuple[str, ...]
    indicators: tuple[str, ...]
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    industry_code: str  # GB/T 4754-2017 小类
    discipline_code: str  # GB/T 13745-2009
    budget_wan: tuple[int, int]  # plausible budget range in 万元 (10,000 yuan)
    # Titles of research works answering the topic: Chinese paper, English paper, patent, project.
    paper_zh: str
    paper_en: str
    patent: str
    project: str


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "chem", "绿色化工", "green chemicals", ("精细化工", "化工科技", "新材料化学", "医药化工")
    ),
    Industry(
        "material", "新材料", "new materials", ("新材料", "新能源材料", "电子材料", "复合材料")
    ),
    Industry(
        "equipment", "装备制造", "equipment manufacturing", ("重工", "装备", "智能装备", "机械")
    ),
    Industry("bio", "生物医药", "biomedicine", ("药业", "生物科技", "制药", "生物医药")),
    Industry(
        "nev", "新能源汽车", "new-energy vehicles", ("汽车科技", "动力系统", "新能源汽车", "车辆")
    ),
    Industry("hydrogen", "氢能", "hydrogen", ("氢能科技", "氢能源", "能源装备", "清洁能源")),
)

INDUSTRY_BY_KEY: dict[str, Industry] = {industry.key: industry for industry in INDUSTRIES}


TOPICS: tuple[Topic, ...] = (
    # ---------------------------------------------------------------- 绿色化工 green chemicals
    Topic(
        key="chem-microreactor",
        industry="chem",
        title="农药中间体硝化工艺连续流微反应改造",
        title_en="Continuous-flow microreactor nitration for pesticide intermediates",
        background="现有硝化工序采用间歇釜式反应，反应放热剧烈、持液量大，属重点监管危险工艺，"
        "园区要求两年内完成本质安全化改造。",
        problems=(
            "强放热硝化反应在釜式工艺中温度失控风险高，需要转为连续流微通道反应",
            "微通道内两相混合与传热强化，避免局部过热和多硝化副产物",
            "连续流工艺放大（数字化放大）与在线监测",
        ),
        indicators=("目标产物收率 ≥ 95%", "反应器持液量较釜式降低 90% 以上", "年产能 ≥ 3000 吨"),
        keywords_zh=("微通道反应器", "连续流", "硝化反应", "本质安全", "过程强化", "传热传质"),
        keywords_en=("microreactor", "continuous flow", "nitration", "process intensification"),
        industry_code="2631",
        discipline_code="53024",
        budget_wan=(120, 400),
        paper_zh="微通道反应器内芳烃连续硝化反应动力学与热安全性研究",
        paper_en="Continuous-flow nitration of aromatics in microreactors: kinetics, heat transfer "
        "and inherent safety",
        patent="一种用于强放热硝化反应的连续流微通道反应系统及其控温方法",
        project="精细化工危险工艺连续流本质安全化改造关键技术",
    ),
    Topic(
        key="chem-saline-wastewater",
        industry="chem",
        title="高盐含酚有机废水资源化处理与分盐",
        title_en="Resource recovery from high-salinity phenolic wastewater",
        background="企业生产过程中产生高盐（TDS > 5%）含酚有机废水，生化处理效果差，"
        "杂盐按危险废物处置成本高。",
        problems=(
            "高盐条件下难降解有机物的预处理，催化湿式氧化或臭氧催化氧化的选择",
            "MVR 蒸发结晶与纳滤分盐，副产氯化钠、硫酸钠达到工业盐标准",
            "系统能耗与结垢控制",
        ),
        indicators=("COD 去除率 ≥ 90%", "回收工业盐纯度 ≥ 98%", "吨水处理成本 ≤ 45 元"),
        keywords_zh=("高盐废水", "催化湿式氧化", "MVR 蒸发", "分盐结晶", "纳滤", "零排放"),
        keywords_en=(
            "high-salinity wastewater",
            "catalytic wet air oxidation",
            "MVR evaporation",
            "zero liquid discharge",
        ),
        industry_code="2666",
        discipline_code="61030",
        budget_wan=(80, 300),
        paper_zh="高盐有机废水催化湿式氧化-纳滤分盐耦合工艺研究",
        paper_en="Catalytic wet air oxidation coupled with nanofiltration salt separation for "
        "high-salinity organic wastewater",
        patent="一种高盐含酚废水的分盐结晶与资源化处理方法",
        project="化工园区高盐废水近零排放与资源化关键技术示范",
    ),
    Topic(
        key="chem-vocs",
        industry="chem",
        title="储罐区与反应釜尾气 VOCs 深度治理与回收",
        title_en="VOC abatement and recovery for tank farms and reactor vents",
        background="储罐呼吸气与反应釜放空尾气含多种有机溶剂，现有活性炭吸附装置更换频繁，"
        "排放浓度接近新标准限值。",
        problems=(
            "多组分溶剂尾气的冷凝-吸附组合回收工艺设计",
            "沸石转轮浓缩与蓄热式催化燃烧（RCO）的匹配",
            "含卤含硫组分对催化剂的中毒问题",
        ),
        indicators=("非甲烷总烃排放 ≤ 60 mg/m³", "溶剂回收率 ≥ 95%", "催化剂寿命 ≥ 3 年"),
        keywords_zh=("VOCs 治理", "冷凝吸附", "沸石转轮", "蓄热式催化燃烧", "溶剂回收"),
        keywords_en=(
            "VOC abatement",
            "zeolite rotor",
            "regenerative catalytic oxidation",
            "solvent recovery",
        ),
        industry_code="7722",
        discipline_code="61030",
        budget_wan=(50, 200),
        paper_zh="化工园区多组分 VOCs 冷凝-吸附-催化燃烧组合工艺研究",
        paper_en="Condensation, adsorption and catalytic oxidation of multi-component VOCs in "
        "chemical parks",
        patent="一种抗氯中毒的 VOCs 催化燃烧催化剂及其制备方法",
        project="精细化工行业挥发性有机物源头削减与末端治理技术",
    ),
    Topic(
        key="chem-hydrogenation",
        industry="chem",
        title="卤代硝基芳烃选择性加氢催化剂国产化",
        title_en="Selective hydrogenation catalysts for halogenated nitroaromatics",
        background="卤代苯胺是农药和医药的重要中间体，现用进口贵金属 Pd/C 催化剂成本高，"
        "且加氢过程伴随脱卤副反应。",
        problems=(
            "抑制脱卤副反应，提高卤代苯胺选择性",
            "降低贵金属载量或开发非贵金属负载型催化剂",
            "催化剂套用寿命与固定床连续加氢工艺",
        ),
        indicators=("加氢选择性 ≥ 99.5%", "脱卤率 < 0.1%", "催化剂套用 ≥ 20 次"),
        keywords_zh=("选择性加氢", "负载型催化剂", "抑制脱卤", "卤代苯胺", "非贵金属催化"),
        keywords_en=(
            "selective hydrogenation",
            "supported catalyst",
            "dehalogenation",
            "haloanilines",
        ),
        industry_code="2614",
        discipline_code="15030",
        budget_wan=(60, 250),
        paper_zh="氮掺杂碳负载镍催化剂上卤代硝基苯选择性加氢及抑制脱卤机理",
        paper_en="Selective hydrogenation of halonitrobenzenes over nitrogen-doped carbon "
        "supported nickel catalysts",
        patent="一种卤代硝基芳烃选择性加氢制备卤代苯胺的催化剂及方法",
        project="精细化学品绿色催化加氢关键技术与产业化",
    ),
    Topic(
        key="chem-co2",
        industry="chem",
        title="化工尾气二氧化碳捕集与制碳酸酯利用",
        title_en="CO2 capture from process off-gas and conversion to carbonates",
        background="企业煤制合成气装置排放高浓度 CO2 尾气，面临碳排放核算压力，"
        "希望将 CO2 转化为碳酸二甲酯等高值化学品。",
        problems=(
            "低能耗胺法吸收剂与再生能耗优化",
            "CO2 与环氧化物/甲醇合成碳酸酯的高效催化剂",
            "捕集-转化一体化工艺的经济性评估",
        ),
        indicators=("捕集率 ≥ 90%", "再生能耗 ≤ 2.6 GJ/t CO2", "碳酸二甲酯选择性 ≥ 95%"),
        keywords_zh=("二氧化碳捕集", "胺吸收", "碳酸二甲酯", "CO2 利用", "碳中和"),
        keywords_en=("CO2 capture", "amine absorption", "dimethyl carbonate", "carbon utilization"),
        industry_code="2614",
        discipline_code="48010",
        budget_wan=(150, 500),
        paper_zh="新型相变胺吸收剂捕集二氧化碳及低能耗再生研究",
        paper_en="Phase-change amine solvents for low-energy CO2 capture and conversion to "
        "dimethyl carbonate",
        patent="一种二氧化碳捕集与碳酸二甲酯合成一体化工艺",
        project="煤化工高浓度二氧化碳捕集利用技术示范",
    ),
    Topic(
        key="chem-safety",
        industry="chem",
        title="危化品反应过程热风险评估与智能预警",
        title_en="Thermal-risk assessment and early warning for hazardous chemical reactions",
        background="园区开展精细化工反应安全风险评估，企业多个工艺缺少完整的热力学数据，"
        "DCS 报警依赖人工判断。",
        problems=(
            "反应量热与绝热加速量热数据获取，确定工艺危险度等级",
            "基于机理与数据融合的反应失控早期预警模型",
            "安全仪表系统（SIS）联锁逻辑优化",
        ),
        indicators=("完成 ≥ 8 个工艺的反应安全风险评估", "预警提前量 ≥ 10 分钟", "误报率 ≤ 5%"),
        keywords_zh=("反应热风险", "绝热量热", "安全仪表系统", "失控预警", "数字孪生"),
        keywords_en=(
            "reaction thermal risk",
            "adiabatic calorimetry",
            "safety instrumented system",
            "runaway early warning",
        ),
        industry_code="2614",
        discipline_code="62030",
        budget_wan=(40, 150),
        paper_zh="精细化工反应失控机理与数据驱动的早期预警方法",
        paper_en="Data-driven early warning of thermal runaway in fine chemical batch reactors",
        patent="一种基于反应量热数据的间歇反应失控预警方法及系统",
        project="化工园区重大危险源智能监测预警平台研发",
    ),
    # ---------------------------------------------------------------- 新材料 new materials
    Topic(
        key="material-cathode",
        industry="material",
        title="高镍三元正极材料残碱控制与表面包覆",
        title_en="Residual-lithium control and coating of high-nickel NCM cathodes",
        background="企业量产 Ni ≥ 88% 的高镍三元正极材料，表面残碱高导致匀浆凝胶，"
        "客户要求提升循环寿命与热稳定性。",
        problems=(
            "水洗与二次烧结工艺对残碱和容量的平衡",
            "快离子导体包覆与体相掺杂改性",
            "高温循环产气与颗粒开裂",
        ),
        indicators=(
            "表面残碱 ≤ 1500 ppm",
            "1000 次循环容量保持率 ≥ 85%",
            "首次放电比容量 ≥ 205 mAh/g",
        ),
        keywords_zh=("高镍三元", "正极材料", "残碱", "表面包覆", "掺杂改性", "循环寿命"),
        keywords_en=("high-nickel cathode", "NCM", "residual lithium", "surface coating"),
        industry_code="3985",
        discipline_code="48040",
        budget_wan=(100, 400),
        paper_zh="快离子导体包覆对高镍三元正极残碱与循环稳定性的影响",
        paper_en="Fast-ion-conductor coating suppresses residual lithium and cracking in "
        "Ni-rich NCM cathodes",
        patent="一种低残碱高镍三元正极材料及其制备方法",
        project="高比能锂离子电池高镍正极材料产业化关键技术",
    ),
    Topic(
        key="material-copper-foil",
        industry="material",
        title="4.5 微米高抗拉极薄锂电铜箔制备",
        title_en="4.5 µm high-tensile ultra-thin copper foil for lithium batteries",
        background="企业现有 6 微米锂电铜箔产线，客户需求转向 4.5 微米高抗拉铜箔，"
        "现工艺存在针孔和翘曲问题。",
        problems=(
            "电解液添加剂体系优化，控制晶粒细化与织构",
            "极薄铜箔针孔、翘曲与抗氧化",
            "阴极辊表面状态与生箔一致性",
        ),
        indicators=("抗拉强度 ≥ 500 MPa", "延伸率 ≥ 3%", "针孔数 ≤ 1 个/m²"),
        keywords_zh=("电解铜箔", "极薄铜箔", "添加剂", "抗拉强度", "晶粒细化"),
        keywords_en=(
            "electrodeposited copper foil",
            "ultra-thin foil",
            "additives",
            "tensile strength",
        ),
        industry_code="3251",
        discipline_code="43040",
        budget_wan=(80, 300),
        paper_zh="复合添加剂对极薄电解铜箔组织与力学性能的调控",
        paper_en="Additive-controlled microstructure and tensile strength of ultra-thin "
        "electrodeposited copper foils",
        patent="一种高抗拉强度极薄电解铜箔及其生产方法",
        project="新能源汽车动力电池用极薄铜箔关键技术",
    ),
    Topic(
        key="material-carbon-fiber",
        industry="material",
        title="储氢气瓶用碳纤维缠绕复合材料性能提升",
        title_en="Carbon-fibre wound composites for hydrogen storage cylinders",
        background="企业拟进入车载储氢气瓶复合材料领域，需要解决碳纤维/环氧缠绕层的疲劳与"
        "爆破压力一致性。",
        problems=(
            "缠绕线型设计与纤维张力控制",
            "快速固化环氧树脂体系与界面结合",
            "缠绕层疲劳损伤与无损检测",
        ),
        indicators=(
            "爆破压力 ≥ 2.25 倍公称工作压力",
            "常温压力循环 ≥ 22000 次",
            "纤维体积含量 ≥ 60%",
        ),
        keywords_zh=("碳纤维", "缠绕成型", "环氧树脂", "复合材料疲劳", "储氢气瓶"),
        keywords_en=("carbon fibre", "filament winding", "epoxy resin", "composite fatigue"),
        industry_code="3091",
        discipline_code="43055",
        budget_wan=(100, 350),
        paper_zh="碳纤维缠绕复合材料气瓶缠绕层疲劳损伤演化研究",
        paper_en="Fatigue damage evolution in carbon fibre filament-wound pressure vessels",
        patent="一种高压储氢气瓶碳纤维缠绕层结构及其缠绕方法",
        project="高压储氢容器用高性能碳纤维复合材料研发",
    ),
    Topic(
        key="material-electronic-chemicals",
        industry="material",
        title="电子级氢氟酸超纯化与痕量金属控制",
        title_en="Ultra-purification of electronic-grade hydrofluoric acid",
        background="企业现有工业级氢氟酸产品，计划升级为 G4/G5 级电子级氢氟酸，"
        "需要解决痕量金属离子和颗粒控制。",
        problems=(
            "精馏-亚沸蒸馏组合纯化工艺",
            "痕量金属离子（ppt 级）在线检测",
            "包装与输送过程的二次污染控制",
        ),
        indicators=("单项金属杂质 ≤ 10 ppt", "≥ 0.1 µm 颗粒 ≤ 100 个/mL", "达到 SEMI G4 等级"),
        keywords_zh=("电子级化学品", "超纯化", "精馏", "痕量金属", "氢氟酸"),
        keywords_en=(
            "electronic-grade chemicals",
            "ultra-purification",
            "trace metals",
            "hydrofluoric acid",
        ),
        industry_code="2661",
        discipline_code="53021",
        budget_wan=(120, 450),
        paper_zh="电子级氢氟酸精馏纯化过程中痕量金属迁移规律",
        paper_en="Trace metal transfer during distillation purification of electronic-grade "
        "hydrofluoric acid",
        patent="一种电子级氢氟酸的连续纯化装置及方法",
        project="集成电路用超净高纯化学品国产化关键技术",
    ),
    Topic(
        key="material-silicon-anode",
        industry="material",
        title="硅碳负极材料体积膨胀抑制与首效提升",
        title_en="Silicon-carbon anodes: volume expansion and first-cycle efficiency",
        background="企业计划新建硅碳负极产线，中试样品循环衰减快、首次库伦效率低。",
        problems=(
            "纳米硅在碳骨架中的分散与多孔结构设计",
            "预锂化工艺提高首次效率",
            "化学气相沉积包覆的均匀性",
        ),
        indicators=("首次库伦效率 ≥ 90%", "比容量 ≥ 1500 mAh/g", "500 次循环容量保持率 ≥ 80%"),
        keywords_zh=("硅碳负极", "体积膨胀", "预锂化", "首次效率", "化学气相沉积"),
        keywords_en=(
            "silicon-carbon anode",
            "volume expansion",
            "prelithiation",
            "chemical vapour deposition",
        ),
        industry_code="3985",
        discipline_code="43070",
        budget_wan=(80, 300),
        paper_zh="多孔碳骨架限域纳米硅负极的结构设计与电化学性能",
        paper_en="Porous carbon scaffolds confining nano-silicon for high-capacity lithium-ion "
        "anodes",
        patent="一种高首效硅碳复合负极材料及其制备方法",
        project="高能量密度电池硅基负极材料中试",
    ),
    Topic(
        key="material-cladding",
        industry="material",
        title="激光熔覆耐磨耐蚀涂层用于矿山与化工装备",
        title_en="Laser-cladded wear- and corrosion-resistant coatings",
        background="矿山机械与化工泵阀易磨损腐蚀，企业希望以激光熔覆替代堆焊修复，"
        "延长关键部件寿命。",
        problems=(
            "铁基/镍基合金粉末成分设计与稀土改性",
            "熔覆层裂纹与稀释率控制",
            "熔覆工艺数据库与质量在线监测",
        ),
        indicators=("涂层硬度 ≥ HRC 58", "耐磨性较基体提高 3 倍", "熔覆层无裂纹"),
        keywords_zh=("激光熔覆", "耐磨涂层", "稀土改性", "表面工程", "再制造"),
        keywords_en=(
            "laser cladding",
            "wear-resistant coating",
            "rare-earth modification",
            "remanufacturing",
        ),
        industry_code="3360",
        discipline_code="43015",
        budget_wan=(40, 180),
        paper_zh="稀土改性铁基激光熔覆层组织与耐磨耐蚀性能",
        paper_en="Microstructure and wear resistance of rare-earth modified Fe-based laser "
        "cladding coatings",
        patent="一种无裂纹高硬度激光熔覆合金粉末及熔覆方法",
        project="重载装备关键零部件激光再制造技术",
    ),
    # ---------------------------------------------------------------- 装备制造 equipment
    Topic(
        key="equipment-fatigue",
        industry="equipment",
        title="工程机械臂架焊接结构疲劳寿命提升",
        title_en="Fatigue life of welded boom structures in construction machinery",
        background="混凝土泵车与起重机臂架采用高强钢焊接结构，服役中焊趾部位出现疲劳裂纹，"
        "需提升设计寿命并减重。",
        problems=(
            "高强钢焊接接头疲劳性能与焊后处理",
            "基于实测载荷谱的有限元疲劳寿命预测",
            "臂架轻量化拓扑优化",
        ),
        indicators=("臂架疲劳寿命提升 ≥ 30%", "整机减重 ≥ 8%", "形成企业设计规范 1 项"),
        keywords_zh=("焊接结构", "疲劳寿命", "高强钢", "有限元分析", "载荷谱", "轻量化"),
        keywords_en=(
            "welded structure",
            "fatigue life",
            "high-strength steel",
            "finite element analysis",
        ),
        industry_code="3514",
        discipline_code="46020",
        budget_wan=(60, 250),
        paper_zh="基于实测载荷谱的高强钢焊接臂架疲劳寿命预测",
        paper_en="Fatigue life prediction of high-strength steel welded booms from measured "
        "load spectra",
        patent="一种工程机械臂架焊趾疲劳强化处理方法",
        project="大型工程机械结构件轻量化与长寿命设计",
    ),
    Topic(
        key="equipment-diagnosis",
        industry="equipment",
        title="重型装备远程运维与智能故障诊断",
        title_en="Remote maintenance and fault diagnosis for heavy equipment",
        background="企业已售出上千台设备分布在西北各地，售后依靠人工巡检，"
        "希望建立基于工业互联网的预测性维护系统。",
        problems=(
            "减速机、液压泵等关键部件振动信号特征提取",
            "小样本条件下的深度学习故障诊断",
            "边缘计算终端与云平台的数据架构",
        ),
        indicators=("关键故障识别准确率 ≥ 92%", "非计划停机减少 30%", "接入设备 ≥ 500 台"),
        keywords_zh=("故障诊断", "预测性维护", "振动信号", "工业互联网", "深度学习"),
        keywords_en=(
            "fault diagnosis",
            "predictive maintenance",
            "vibration analysis",
            "industrial internet",
        ),
        industry_code="3499",
        discipline_code="46050",
        budget_wan=(50, 200),
        paper_zh="小样本条件下重载齿轮箱振动信号深度迁移学习故障诊断",
        paper_en="Few-shot transfer learning for gearbox fault diagnosis from vibration signals",
        patent="一种基于边缘计算的工程机械远程故障诊断系统",
        project="西北地区重型装备工业互联网运维平台",
    ),
    Topic(
        key="equipment-casting",
        industry="equipment",
        title="大型铸钢件缩松缩孔缺陷控制",
        title_en="Shrinkage-porosity control in large steel castings",
        background="企业生产的大型铸钢件（单重 5–20 吨）探伤合格率偏低，返修成本高。",
        problems=(
            "凝固过程数值模拟与冒口补缩设计",
            "冷铁布置与浇注工艺参数优化",
            "铸件超声探伤缺陷识别",
        ),
        indicators=("一次探伤合格率由 82% 提升至 95%", "工艺出品率提高 5 个百分点"),
        keywords_zh=("铸造仿真", "缩松缩孔", "凝固模拟", "冒口设计", "铸钢件"),
        keywords_en=("casting simulation", "shrinkage porosity", "solidification", "riser design"),
        industry_code="3391",
        discipline_code="46025",
        budget_wan=(30, 120),
        paper_zh="大型铸钢件凝固过程数值模拟与补缩工艺优化",
        paper_en="Numerical simulation of solidification and feeding design for heavy steel "
        "castings",
        patent="一种大型铸钢件冒口与冷铁组合补缩方法",
        project="重型装备大型铸锻件质量提升工程",
    ),
    Topic(
        key="equipment-welding-robot",
        industry="equipment",
        title="中厚板机器人焊接焊缝跟踪与多层多道规划",
        title_en="Seam tracking and multi-pass planning for robotic thick-plate welding",
        background="钢结构与压力容器中厚板焊接仍以人工为主，企业引进焊接机器人后"
        "因坡口装配误差大无法稳定使用。",
        problems=(
            "激光视觉焊缝跟踪与坡口识别",
            "多层多道焊道自动规划",
            "焊接质量在线监测",
        ),
        indicators=("焊缝跟踪精度 ± 0.3 mm", "机器人焊接占比 ≥ 70%", "一次合格率 ≥ 98%"),
        keywords_zh=("焊接机器人", "焊缝跟踪", "激光视觉", "多层多道焊", "坡口识别"),
        keywords_en=("welding robot", "seam tracking", "laser vision", "multi-pass welding"),
        industry_code="3491",
        discipline_code="46050",
        budget_wan=(60, 220),
        paper_zh="基于激光视觉的中厚板坡口识别与多层多道焊路径规划",
        paper_en="Laser-vision groove recognition and multi-pass path planning for robotic "
        "thick-plate welding",
        patent="一种中厚板机器人焊接的焊缝自适应跟踪方法",
        project="大型钢结构智能焊接生产线关键技术",
    ),
    Topic(
        key="equipment-hydraulics",
        industry="equipment",
        title="工程机械电液比例控制与能量回收",
        title_en="Electro-hydraulic proportional control and energy recovery",
        background="企业挖掘机、装载机产品油耗高于行业先进水平，需要优化液压系统。",
        problems=(
            "负载敏感电液比例控制策略",
            "动臂势能回收与蓄能器匹配",
            "液压系统能效测试与评价",
        ),
        indicators=("整机油耗降低 ≥ 12%", "动臂势能回收效率 ≥ 40%"),
        keywords_zh=("电液比例", "负载敏感", "能量回收", "液压系统", "节能"),
        keywords_en=(
            "electro-hydraulic proportional",
            "load sensing",
            "energy recovery",
            "hydraulic system",
        ),
        industry_code="3444",
        discipline_code="46045",
        budget_wan=(50, 200),
        paper_zh="挖掘机动臂势能回收系统建模与控制策略",
        paper_en="Boom potential energy recovery in hydraulic excavators: modelling and control",
        patent="一种工程机械负载敏感电液比例控制系统",
        project="工程机械液压系统高效节能关键技术",
    ),
    Topic(
        key="equipment-ndt",
        industry="equipment",
        title="在役压力容器与加氢反应器无损检测",
        title_en="Non-destructive testing of in-service pressure vessels and hydrogen reactors",
        background="园区化工企业压力容器数量多，定期检验停车时间长，"
        "临氢设备存在氢脆与应力腐蚀风险。",
        problems=(
            "相控阵超声与 TOFD 联合检测厚壁焊缝",
            "声发射在线监测与缺陷定位",
            "临氢设备氢致开裂评价",
        ),
        indicators=("检测覆盖率 100%", "缺陷检出率 ≥ 95%", "停车检验时间缩短 30%"),
        keywords_zh=("无损检测", "相控阵超声", "声发射", "氢脆", "压力容器", "检验检测"),
        keywords_en=(
            "non-destructive testing",
            "phased array ultrasonics",
            "acoustic emission",
            "hydrogen embrittlement",
        ),
        industry_code="7452",
        discipline_code="43025",
        budget_wan=(30, 150),
        paper_zh="厚壁压力容器焊缝相控阵超声与 TOFD 联合检测方法",
        paper_en="Combined phased-array ultrasonic and TOFD inspection of thick-walled pressure "
        "vessel welds",
        patent="一种临氢压力容器在线声发射监测与缺陷定位方法",
        project="承压设备智能检测与安全评价技术",
    ),
    # ---------------------------------------------------------------- 生物医药 biomedicine
    Topic(
        key="bio-herbal-extraction",
        industry="bio",
        title="甘肃道地药材当归、黄芪有效成分绿色提取与质量标志物",
        title_en="Green extraction and quality markers of Angelica sinensis and Astragalus",
        background="企业以甘肃道地药材当归、黄芪为原料生产中药提取物，"
        "现有乙醇回流提取能耗高、批间一致性差。",
        problems=(
            "超临界 CO2 萃取与低温连续逆流提取工艺",
            "基于指纹图谱的质量标志物（Q-marker）确定",
            "提取过程近红外在线监测",
        ),
        indicators=("藁本内酯/黄芪甲苷得率提高 ≥ 20%", "批间相似度 ≥ 0.95", "能耗降低 30%"),
        keywords_zh=("道地药材", "当归", "黄芪", "超临界萃取", "质量标志物", "指纹图谱"),
        keywords_en=(
            "Angelica sinensis",
            "Astragalus",
            "supercritical extraction",
            "quality marker",
        ),
        industry_code="2740",
        discipline_code="35010",
        budget_wan=(40, 180),
        paper_zh="当归挥发油超临界 CO2 萃取工艺及质量标志物研究",
        paper_en="Supercritical CO2 extraction and quality markers of Angelica sinensis "
        "volatile oil",
        patent="一种黄芪有效部位的低温连续逆流提取方法",
        project="甘肃道地中药材精深加工与质量控制技术",
    ),
    Topic(
        key="bio-crystallization",
        industry="bio",
        title="原料药连续结晶与晶型控制",
        title_en="Continuous crystallisation and polymorph control for APIs",
        background="企业某原料药出口欧美，客户审计指出晶型批间波动，需建立可控的结晶工艺。",
        problems=(
            "多晶型热力学与动力学研究，确定目标晶型稳定区",
            "连续结晶工艺与过程分析技术（PAT）",
            "粒度分布控制与过滤干燥性能",
        ),
        indicators=("目标晶型纯度 ≥ 99%", "D50 偏差 ≤ ± 10%", "通过客户工艺验证"),
        keywords_zh=("晶型控制", "连续结晶", "过程分析技术", "原料药", "粒度分布"),
        keywords_en=(
            "polymorph control",
            "continuous crystallisation",
            "process analytical technology",
            "API",
        ),
        industry_code="2710",
        discipline_code="53064",
        budget_wan=(60, 250),
        paper_zh="原料药多晶型转变动力学及连续结晶过程控制",
        paper_en="Polymorph transformation kinetics and PAT-based control of continuous "
        "crystallisation",
        patent="一种原料药稳定晶型的连续结晶制备方法",
        project="化学原料药绿色连续制造关键技术",
    ),
    Topic(
        key="bio-cell-culture",
        industry="bio",
        title="CHO 细胞灌流培养工艺放大与表达量提升",
        title_en="Scale-up of CHO perfusion culture for higher titres",
        background="企业抗体药物进入临床后期，需将 200 L 工艺放大至 2000 L，"
        "表达量与糖型需保持一致。",
        problems=(
            "灌流培养与培养基优化",
            "生物反应器放大中的溶氧与剪切控制",
            "关键质量属性（糖型、电荷异构体）一致性",
        ),
        indicators=("表达量 ≥ 5 g/L", "放大前后关键质量属性可比", "批成功率 ≥ 95%"),
        keywords_zh=("CHO 细胞", "灌流培养", "工艺放大", "生物反应器", "单克隆抗体"),
        keywords_en=(
            "CHO cells",
            "perfusion culture",
            "bioprocess scale-up",
            "monoclonal antibody",
        ),
        industry_code="2761",
        discipline_code="41640",
        budget_wan=(150, 500),
        paper_zh="CHO 细胞灌流培养工艺放大中溶氧与剪切力的影响",
        paper_en="Dissolved oxygen and shear effects in the scale-up of CHO perfusion culture",
        patent="一种提高 CHO 细胞抗体表达量的灌流培养方法",
        project="生物药大规模细胞培养工艺平台建设",
    ),
    Topic(
        key="bio-impurities",
        industry="bio",
        title="原料药基因毒性杂质与亚硝胺杂质控制",
        title_en="Control of genotoxic and nitrosamine impurities in APIs",
        background="监管机构要求对沙坦类等原料药开展亚硝胺杂质风险评估，企业缺少痕量检测方法。",
        problems=(
            "亚硝胺杂质形成途径与工艺风险评估",
            "LC-MS/MS 痕量检测方法开发与验证",
            "工艺路线调整以消除杂质来源",
        ),
        indicators=("检测限 ≤ 0.01 ppm", "杂质低于可接受摄入量", "方法通过验证"),
        keywords_zh=("基因毒性杂质", "亚硝胺", "痕量检测", "LC-MS/MS", "杂质控制"),
        keywords_en=("genotoxic impurities", "nitrosamines", "trace analysis", "LC-MS/MS"),
        industry_code="2710",
        discipline_code="35010",
        budget_wan=(30, 120),
        paper_zh="沙坦类原料药中亚硝胺杂质的 LC-MS/MS 痕量测定",
        paper_en="Trace determination of nitrosamine impurities in sartan APIs by LC-MS/MS",
        patent="一种原料药中亚硝胺类基因毒性杂质的检测方法",
        project="化学药品杂质谱研究与质量提升",
    ),
    Topic(
        key="bio-granules",
        industry="bio",
        title="中药配方颗粒标准汤剂与特征图谱研究",
        title_en="Standard decoctions and characteristic chromatograms for TCM granules",
        background="中药配方颗粒国家标准实施后，企业需为 200 余个品种建立标准汤剂与特征图谱。",
        problems=(
            "标准汤剂制备与量值传递",
            "特征图谱与含量测定方法",
            "成型工艺对指标成分的影响",
        ),
        indicators=("完成 ≥ 50 个品种标准研究", "出膏率与转移率符合国家标准"),
        keywords_zh=("中药配方颗粒", "标准汤剂", "特征图谱", "量值传递", "质量标准"),
        keywords_en=("TCM granules", "standard decoction", "characteristic chromatogram"),
        industry_code="2730",
        discipline_code="35010",
        budget_wan=(50, 200),
        paper_zh="中药配方颗粒标准汤剂量值传递与特征图谱研究",
        paper_en="Quality transfer from standard decoctions to dispensing granules of "
        "traditional Chinese medicine",
        patent="一种中药配方颗粒特征图谱的建立方法",
        project="中药配方颗粒质量标准体系研究",
    ),
    Topic(
        key="bio-vet-vaccine",
        industry="bio",
        title="兽用灭活疫苗悬浮培养工艺与新型佐剂",
        title_en="Suspension culture and adjuvants for veterinary inactivated vaccines",
        background="企业兽用疫苗仍采用转瓶培养，产能受限，抗原含量批间差异大。",
        problems=(
            "BHK-21 细胞全悬浮培养工艺",
            "抗原纯化浓缩与含量测定",
            "新型水包油佐剂的免疫效果",
        ),
        indicators=("抗原含量提高 2 倍", "生产成本降低 30%", "免疫保护率 ≥ 90%"),
        keywords_zh=("兽用疫苗", "悬浮培养", "灭活疫苗", "佐剂", "抗原纯化"),
        keywords_en=("veterinary vaccine", "suspension culture", "inactivated vaccine", "adjuvant"),
        industry_code="2750",
        discipline_code="41640",
        budget_wan=(80, 300),
        paper_zh="BHK-21 细胞全悬浮培养生产兽用灭活疫苗工艺研究",
        paper_en="Serum-free suspension culture of BHK-21 cells for inactivated veterinary "
        "vaccines",
        patent="一种兽用灭活疫苗水包油佐剂及其制备方法",
        project="重大动物疫病疫苗高效生产技术",
    ),
    # ---------------------------------------------------------------- 新能源汽车 NEVs
    Topic(
        key="nev-thermal",
        industry="nev",
        title="动力电池包热管理与低温快速预热",
        title_en="Battery-pack thermal management and cold-climate preheating",
        background="西北地区冬季气温低至 −25 ℃，企业电动客车和物流车续航衰减明显，夏季快充温升高。",
        problems=(
            "液冷板流道设计与温度均匀性",
            "低温脉冲自加热与热泵耦合",
            "热失控预警与热蔓延阻隔",
        ),
        indicators=("−20 ℃ 下 15 分钟升温至 10 ℃", "电芯温差 ≤ 5 ℃", "热蔓延阻隔 ≥ 30 分钟"),
        keywords_zh=("电池热管理", "液冷板", "低温预热", "热失控", "热泵"),
        keywords_en=(
            "battery thermal management",
            "liquid cooling plate",
            "cold-start heating",
            "thermal runaway",
        ),
        industry_code="3670",
        discipline_code="47020",
        budget_wan=(60, 250),
        paper_zh="动力电池低温脉冲自加热与液冷热管理协同策略",
        paper_en="Pulse self-heating and liquid cooling for lithium-ion battery packs in cold "
        "climates",
        patent="一种动力电池包液冷板流道结构及热管理方法",
        project="高寒地区新能源汽车动力电池热管理技术",
    ),
    Topic(
        key="nev-sic",
        industry="nev",
        title="碳化硅电机控制器功率模块设计",
        title_en="Silicon-carbide power modules for motor controllers",
        background="企业电机控制器采用 IGBT 方案，计划切换至 SiC 以提高效率与功率密度。",
        problems=(
            "SiC 功率模块封装与散热设计",
            "高 dv/dt 下的电磁兼容",
            "驱动保护与寿命评估",
        ),
        indicators=("控制器效率 ≥ 98.5%", "功率密度 ≥ 40 kW/L", "通过车规级可靠性测试"),
        keywords_zh=("碳化硅", "电机控制器", "功率模块", "电磁兼容", "功率密度"),
        keywords_en=(
            "silicon carbide",
            "motor controller",
            "power module",
            "electromagnetic compatibility",
        ),
        industry_code="3670",
        discipline_code="47040",
        budget_wan=(100, 400),
        paper_zh="车用碳化硅功率模块双面散热封装与热应力分析",
        paper_en="Double-sided cooling packaging of SiC power modules for traction inverters",
        patent="一种车用碳化硅电机控制器的驱动保护电路",
        project="新能源汽车高功率密度电驱动系统",
    ),
    Topic(
        key="nev-recycling",
        industry="nev",
        title="退役动力电池梯次利用与湿法回收",
        title_en="Second-life use and hydrometallurgical recycling of traction batteries",
        background="区域内退役动力电池逐年增加，企业拟建设梯次利用储能与回收产线。",
        problems=(
            "退役电池健康状态（SOH）快速检测与分选",
            "梯次利用储能系统一致性管理",
            "镍钴锂湿法浸出与萃取回收",
        ),
        indicators=("分选检测时间 ≤ 10 分钟/包", "锂回收率 ≥ 90%", "镍钴回收率 ≥ 98%"),
        keywords_zh=("梯次利用", "电池回收", "湿法冶金", "健康状态", "储能"),
        keywords_en=(
            "second-life batteries",
            "battery recycling",
            "hydrometallurgy",
            "state of health",
        ),
        industry_code="4210",
        discipline_code="61050",
        budget_wan=(80, 300),
        paper_zh="退役动力电池健康状态快速评估与分选方法",
        paper_en="Rapid state-of-health estimation and sorting of retired traction batteries",
        patent="一种废旧三元电池选择性提锂与镍钴回收方法",
        project="动力电池全生命周期回收利用技术",
    ),
    Topic(
        key="nev-lightweight",
        industry="nev",
        title="新能源商用车车身轻量化设计",
        title_en="Lightweight bodies for new-energy commercial vehicles",
        background="企业新能源物流车整备质量偏高，影响载质量与续航。",
        problems=(
            "铝合金/复合材料车身结构设计",
            "多材料连接工艺",
            "碰撞安全与刚度的多目标拓扑优化",
        ),
        indicators=("白车身减重 ≥ 15%", "扭转刚度不降低", "满足 C-NCAP 相关要求"),
        keywords_zh=("轻量化", "铝合金车身", "拓扑优化", "多材料连接", "碰撞安全"),
        keywords_en=(
            "lightweight design",
            "aluminium body",
            "topology optimisation",
            "crash safety",
        ),
        industry_code="3660",
        discipline_code="5802010",
        budget_wan=(60, 250),
        paper_zh="新能源物流车铝合金车身多目标拓扑优化",
        paper_en="Multi-objective topology optimisation of aluminium bodies for electric "
        "delivery vans",
        patent="一种新能源商用车铝合金骨架车身结构",
        project="新能源商用车轻量化车身开发",
    ),
    Topic(
        key="nev-battery-swap",
        industry="nev",
        title="电动重卡换电系统与能量管理",
        title_en="Battery swapping and energy management for electric heavy trucks",
        background="企业为园区短倒运输开发电动重卡，需要换电站与整车能量管理协同。",
        problems=(
            "换电机构定位精度与可靠性",
            "整车能量管理策略与能耗优化",
            "换电站充电调度",
        ),
        indicators=("单次换电 ≤ 5 分钟", "百公里电耗降低 8%", "换电机构寿命 ≥ 10 万次"),
        keywords_zh=("换电", "电动重卡", "能量管理策略", "充电调度", "整车控制"),
        keywords_en=(
            "battery swapping",
            "electric heavy truck",
            "energy management",
            "charging scheduling",
        ),
        industry_code="3612",
        discipline_code="5802010",
        budget_wan=(100, 400),
        paper_zh="电动重卡能量管理策略与换电站充电调度协同优化",
        paper_en="Energy management of battery-swapping electric heavy trucks",
        patent="一种电动重卡底盘换电机构及其锁止装置",
        project="短倒运输电动重卡换电系统示范",
    ),
    Topic(
        key="nev-fuel-cell",
        industry="nev",
        title="燃料电池汽车低温冷启动与电堆耐久",
        title_en="Cold start and durability of vehicle fuel-cell stacks",
        background="企业燃料电池客车在高寒地区示范运营，冬季冷启动失败与电堆衰减突出。",
        problems=(
            "−30 ℃ 无辅助冷启动策略",
            "电堆水热管理与衰减机理",
            "燃料电池系统与动力电池能量分配",
        ),
        indicators=("−30 ℃ 冷启动时间 ≤ 60 秒", "电堆寿命 ≥ 15000 小时"),
        keywords_zh=("燃料电池系统", "低温冷启动", "电堆耐久", "水热管理", "氢燃料电池汽车"),
        keywords_en=(
            "fuel cell system",
            "cold start",
            "stack durability",
            "water and heat management",
        ),
        industry_code="3612",
        discipline_code="48070",
        budget_wan=(120, 450),
        paper_zh="车用质子交换膜燃料电池低温冷启动水热管理策略",
        paper_en="Water and heat management for sub-zero cold start of automotive PEM fuel cells",
        patent="一种燃料电池发动机低温无辅助冷启动控制方法",
        project="高寒地区燃料电池汽车示范运营关键技术",
    ),
    # ---------------------------------------------------------------- 氢能 hydrogen
    Topic(
        key="hydrogen-blending",
        industry="hydrogen",
        title="天然气掺氢输送与终端燃烧适应性",
        title_en="Hydrogen blending into natural-gas networks and end-use combustion",
        background="企业运营城镇燃气管网，拟开展天然气掺氢示范，需评估管材相容性和燃具适应性。",
        problems=(
            "掺氢比例 10%–20% 下管线钢与 PE 管材的氢脆与渗透",
            "掺混装置的比例控制与计量",
            "民用与工业燃具的燃烧特性与回火",
        ),
        indicators=("掺氢比例 ≥ 10% 稳定运行", "掺混比例控制精度 ± 1%", "燃具 NOx 不增加"),
        keywords_zh=("天然气掺氢", "氢脆", "掺混比例", "燃烧特性", "管网输送"),
        keywords_en=(
            "hydrogen-enriched natural gas",
            "hydrogen blending",
            "hydrogen embrittlement",
            "combustion characteristics",
        ),
        industry_code="4511",
        discipline_code="53052",
        budget_wan=(150, 600),
        paper_zh="掺氢天然气对管线钢疲劳裂纹扩展及燃具燃烧特性的影响",
        paper_en="Effects of hydrogen-enriched natural gas on pipeline steel fatigue and burner "
        "combustion",
        patent="一种天然气管网掺氢比例动态控制方法及掺混装置",
        project="城镇燃气管网天然气掺氢输送与利用示范",
    ),
    Topic(
        key="hydrogen-refuelling",
        industry="hydrogen",
        title="35/70 MPa 加氢站压缩与加注技术",
        title_en="Compression and dispensing for 35/70 MPa hydrogen refuelling stations",
        background="园区规划建设加氢站服务燃料电池物流车和客车，需要核心设备选型与加注协议。",
        problems=(
            "隔膜压缩机与液驱压缩机选型与国产化",
            "70 MPa 加注预冷与加注协议",
            "站控安全联锁与泄漏检测",
        ),
        indicators=("日加注能力 ≥ 1000 kg", "70 MPa 加注时间 ≤ 5 分钟/车", "设备国产化率 ≥ 80%"),
        keywords_zh=("加氢站", "隔膜压缩机", "加注协议", "预冷", "氢气泄漏检测"),
        keywords_en=(
            "hydrogen refuelling station",
            "diaphragm compressor",
            "fuelling protocol",
            "precooling",
        ),
        industry_code="3442",
        discipline_code="48070",
        budget_wan=(200, 800),
        paper_zh="70 MPa 加氢站加注过程温升与预冷策略",
        paper_en="Temperature rise and precooling strategy in 70 MPa hydrogen fuelling",
        patent="一种加氢站隔膜压缩机的膜片寿命监测方法",
        project="高压加氢站核心装备国产化与示范",
    ),
    Topic(
        key="hydrogen-electrolysis",
        industry="hydrogen",
        title="风光耦合碱性电解水制氢宽功率运行",
        title_en="Alkaline electrolysis under fluctuating wind and solar power",
        background="企业规划风光制氢一体化项目，碱性电解槽在低负荷下氢中氧含量超标，"
        "难以跟随可再生能源波动。",
        problems=(
            "宽功率波动下电解槽气体纯度与安全",
            "高活性析氢析氧电极与隔膜",
            "多槽协同调度与能耗优化",
        ),
        indicators=("负荷调节范围 20%–110%", "直流电耗 ≤ 4.3 kWh/Nm³", "氢中氧 ≤ 0.5%"),
        keywords_zh=("碱性电解槽", "电解水制氢", "可再生能源", "波动电源", "析氢电极"),
        keywords_en=(
            "alkaline electrolyser",
            "water electrolysis",
            "renewable hydrogen",
            "fluctuating power",
        ),
        industry_code="2619",
        discipline_code="48070",
        budget_wan=(150, 600),
        paper_zh="波动电源下碱性电解槽气体纯度与动态响应特性",
        paper_en="Gas purity and dynamic response of alkaline electrolysers under fluctuating "
        "renewable power",
        patent="一种适应宽功率波动的碱性电解水制氢系统及控制方法",
        project="风光耦合规模化电解水制氢关键技术",
    ),
    Topic(
        key="hydrogen-mea",
        industry="hydrogen",
        title="低铂膜电极制备与批量一致性",
        title_en="Low-platinum membrane electrode assemblies at volume",
        background="企业计划建设膜电极产线，需降低铂载量并保证批量一致性。",
        problems=(
            "低铂/超低铂催化层结构设计",
            "卷对卷涂布工艺与缺陷检测",
            "加速耐久性测试方法",
        ),
        indicators=("铂载量 ≤ 0.3 mg/cm²", "额定功率密度 ≥ 1.2 W/cm²", "批次性能偏差 ≤ 3%"),
        keywords_zh=("膜电极", "铂载量", "质子交换膜", "催化层", "卷对卷涂布"),
        keywords_en=(
            "membrane electrode assembly",
            "platinum loading",
            "proton exchange membrane",
            "catalyst layer",
        ),
        industry_code="3849",
        discipline_code="48070",
        budget_wan=(120, 500),
        paper_zh="低铂载量质子交换膜燃料电池催化层结构优化",
        paper_en="Catalyst-layer structure optimisation for low-platinum PEM fuel cells",
        patent="一种卷对卷连续制备膜电极的方法",
        project="燃料电池膜电极批量化制备技术",
    ),
    Topic(
        key="hydrogen-storage",
        industry="hydrogen",
        title="IV 型车载储氢瓶塑料内胆与氢渗透",
        title_en="Type IV on-board hydrogen cylinders: liners and permeation",
        background="企业研制 70 MPa IV 型储氢瓶，塑料内胆氢渗透与瓶口密封是认证难点。",
        problems=(
            "高阻隔聚酰胺/聚乙烯内胆材料与成型",
            "金属瓶口与内胆的密封结构",
            "氢渗透与快速泄压鼓包试验",
        ),
        indicators=("氢渗透率 ≤ 6 NmL/h/L", "通过 GB/T 35544 型式试验"),
        keywords_zh=("IV 型瓶", "塑料内胆", "氢渗透", "储氢", "密封结构"),
        keywords_en=(
            "type IV cylinder",
            "polymer liner",
            "hydrogen permeation",
            "hydrogen storage",
        ),
        industry_code="3332",
        discipline_code="43050",
        budget_wan=(100, 400),
        paper_zh="IV 型储氢瓶聚酰胺内胆氢渗透与快速泄压失效",
        paper_en="Hydrogen permeation and rapid-decompression failure of polyamide liners in "
        "type IV cylinders",
        patent="一种 IV 型储氢气瓶的瓶口密封结构",
        project="车载高压储氢系统关键技术",
    ),
    Topic(
        key="hydrogen-green-ammonia",
        industry="hydrogen",
        title="绿氢合成氨与绿色甲醇",
        title_en="Green ammonia and methanol from renewable hydrogen",
        background="企业拟利用园区绿氢替代煤制氢生产合成氨与甲醇，需要适应柔性供氢的工艺。",
        problems=(
            "低压高活性合成氨催化剂",
            "柔性负荷下合成回路的稳定运行",
            "CO2 加氢制甲醇催化剂寿命",
        ),
        indicators=("合成压力 ≤ 10 MPa", "负荷调节 30%–100%", "甲醇选择性 ≥ 90%"),
        keywords_zh=("绿氢", "合成氨", "绿色甲醇", "CO2 加氢", "柔性合成"),
        keywords_en=("green hydrogen", "ammonia synthesis", "green methanol", "CO2 hydrogenation"),
        industry_code="2621",
        discipline_code="53024",
        budget_wan=(200, 800),
        paper_zh="柔性供氢条件下低压合成氨催化剂与回路动态特性",
        paper_en="Low-pressure ammonia synthesis catalysts under flexible renewable hydrogen "
        "supply",
        patent="一种二氧化碳加氢制甲醇的铜基催化剂及其制备方法",
        project="可再生能源制氢耦合煤化工示范",
    ),
)

TOPIC_BY_KEY: dict[str, Topic] = {topic.key: topic for topic in TOPICS}


def topics_of(industry_key: str) -> tuple[Topic, ...]:
    """The topics of one industry, in their written order (stable for seeded choices)."""
    return tuple(topic for topic in TOPICS if topic.industry == industry_key)
