"""A synthetic catalogue at the real platform's scale, for benchmarks and load tests.

Shanghai's platform lists about 3,600 services from 61 departments; names here are built
from real administrative nouns and actions so that tokenisation and ranking face the same
vocabulary size and overlap as the real catalogue. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

_AGENCY_KINDS = [
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "规划和自然资源局",
    "生态环境局",
    "住房和城乡建设管理委员会",
    "交通委员会",
    "农业农村委员会",
    "商务委员会",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "体育局",
    "统计局",
    "医疗保障局",
    "绿化和市容管理局",
    "水务局",
    "房屋管理局",
    "民防办公室",
    "国家安全局",
    "民族和宗教事务局",
    "教育委员会",
    "科学技术委员会",
    "经济和信息化委员会",
    "药品监督管理局",
    "知识产权局",
    "城市管理行政执法局",
    "退役军人事务局",
    "地方金融监督管理局",
    "机关事务管理局",
    "档案局",
    "新闻出版局",
    "电影局",
    "广播电视局",
    "粮食和物资储备局",
    "口岸服务办公室",
    "气象局",
    "地震局",
    "烟草专卖局",
    "邮政管理局",
    "通信管理局",
    "海事局",
    "税务局",
    "海关",
    "消防救援总队",
    "残疾人联合会",
    "红十字会",
    "总工会",
    "妇女联合会",
    "团市委",
    "侨务办公室",
    "台湾事务办公室",
    "外事办公室",
    "公积金管理中心",
    "大数据中心",
    "住房保障中心",
    "绿化养护中心",
    "港口管理局",
]
_SUBJECTS = [
    "建设工程规划许可证",
    "建筑工程施工许可证",
    "排水许可证",
    "取水许可证",
    "道路运输经营许可证",
    "出租汽车经营许可证",
    "危险化学品经营许可证",
    "烟花爆竹经营许可证",
    "娱乐场所经营许可证",
    "网络文化经营许可证",
    "营业性演出许可证",
    "出版物经营许可证",
    "印刷经营许可证",
    "药品经营许可证",
    "医疗器械经营许可证",
    "医疗机构执业许可证",
    "医师执业证书",
    "护士执业证书",
    "放射诊疗许可证",
    "母婴保健技术服务许可证",
    "食品生产许可证",
    "特种设备使用登记证",
    "计量器具型式批准",
    "工业产品生产许可证",
    "人力资源服务许可证",
    "劳务派遣经营许可证",
    "民办学校办学许可证",
    "培训机构办学许可证",
    "社会团体登记证书",
    "民办非企业单位登记证书",
    "基金会登记证书",
    "养老机构备案",
    "殡葬服务机构设立",
    "宗教活动场所登记",
    "档案查阅",
    "不动产抵押登记",
    "不动产预告登记",
    "国有建设用地使用权",
    "临时用地审批",
    "林木采伐许可证",
    "野生动物人工繁育许可证",
    "动物防疫条件合格证",
    "兽药经营许可证",
    "农药经营许可证",
    "渔业捕捞许可证",
    "船舶登记",
    "船员适任证书",
    "港口经营许可证",
    "民用爆炸物品运输许可证",
    "剧毒化学品购买许可证",
    "大型群众性活动安全许可",
    "犬只免疫证明",
    "户外广告设施设置",
    "占用城市道路审批",
    "挖掘城市道路审批",
    "城市绿地占用审批",
    "树木迁移审批",
    "建筑垃圾处置核准",
    "生活垃圾经营性服务许可",
    "环境影响评价文件审批",
    "排污许可证",
    "危险废物经营许可证",
    "辐射安全许可证",
    "人防工程建设审批",
    "消防设计审查",
    "消防验收",
    "气象信息服务备案",
    "防雷装置设计审核",
    "无线电台执照",
    "电信业务经营许可证",
    "快递业务经营许可证",
    "报关单位备案",
    "对外贸易经营者备案",
    "外商投资企业设立",
    "境外投资备案",
    "专利权质押登记",
    "商标质押登记",
    "著作权登记",
    "涉税信息查询",
    "税收完税证明",
    "社会保险登记",
    "工伤认定",
    "劳动能力鉴定",
    "职业资格证书",
    "技能等级证书",
    "就业困难人员认定",
    "退役军人优待证",
    "烈士褒扬金",
    "残疾军人抚恤",
    "高龄老人津贴",
    "困难家庭临时救助",
    "特困人员供养",
    "孤儿基本生活保障",
    "收养登记",
    "流动人口婚育证明",
    "独生子女父母奖励",
    "计划生育家庭特别扶助",
    "疫苗接种证明",
    "健康证明",
    "献血证明",
    "职业病诊断",
    "学历认证",
    "教师资格认定",
    "学生资助",
    "学籍转移",
    "中考报名",
    "高考报名",
    "成人高考报名",
    "体育赛事备案",
    "文物保护工程审批",
    "历史建筑修缮审批",
    "旅行社业务经营许可证",
    "导游证",
    "星级饭店评定",
    "出入境检验检疫",
    "原产地证书",
]
_ACTIONS = [
    "核发",
    "变更",
    "延续",
    "注销",
    "补办",
    "换发",
    "备案",
    "年检",
    "审批",
    "登记",
    "认定",
    "查询",
    "证明开具",
    "信息更正",
    "撤回",
]
_LEVELS = ("", "（区级）", "（告知承诺）")
_AUDIENCES = ("individual", "enterprise", "both")
_QUESTIONS = (
    "{name}需要准备哪些材料？",
    "{name}要多长时间？",
    "{name}收费吗？",
    "{name}可以网上办理吗？",
    "{name}在哪里办理？",
    "{name}可以委托他人代办吗？",
    "外地户籍人员可以办理{name}吗？",
    "{name}的办理结果怎么领取？",
)


def synthetic_catalogue(
    services: int = 3622, faqs: int = 20000, seed: int = 12345
) -> dict[str, list[dict[str, Any]]]:
    """A catalogue in the import format with ``services`` services and ``faqs`` FAQs."""
    rng = random.Random(seed)
    departments = [
        {
            "code": f"syn-dept-{i:02d}",
            "name": f"上海市{kind}",
            "name_en": f"Synthetic department {i}",
        }
        for i, kind in enumerate(_AGENCY_KINDS[:61])
    ]
    names = [f"{s}{a}{level}" for level in _LEVELS for s in _SUBJECTS for a in _ACTIONS]
    rng.shuffle(names)
    if services > len(names):
        raise ValueError(f"at most {len(names)} distinct synthetic services")
    records = []
    for index, name in enumerate(names[:services]):
        department = departments[index % len(departments)]
        records.append(
            {
                "code": f"syn-{index:05d}",
                "name": name,
                "name_en": f"Synthetic service {index}",
                "department": department["code"],
                "category": "其他",
                "audience": rng.choice(_AUDIENCES),
                "aliases": [
                    name[: max(2, len(name) - 2)],
                    name.replace("许可证", "证"),
                ],
                "keywords": rng.sample(_SUBJECTS, 3),
                "summary": f"{department['name']}负责办理{name}，申请人按规定提交材料，经审核符合条件的予以办理。",
                "eligibility": "符合法定条件的自然人、法人或者其他组织。",
                "steps": [
                    {"title": "网上申请", "detail": f"登录“一网通办”提交{name}申请。"},
                    {
                        "title": "受理审核",
                        "detail": "窗口工作人员审核材料，材料齐全的予以受理。",
                    },
                    {"title": "领取结果", "detail": "审核通过后邮寄送达或窗口领取。"},
                ],
                "materials": [
                    {"name": "申请表", "form": "original"},
                    {"name": "身份证明", "form": "copy"},
                ],
                "fees": "不收费",
                "statutory_days": 20,
                "promised_days": rng.randint(1, 20),
                "online_available": rng.random() < 0.7,
                "offline_where": "各区行政服务中心",
                "source": "合成数据（基准测试用）",
                "notice": "合成数据，仅用于性能测试。",
                "updated_at": dt.date(2026, 10, 1),
            }
        )
    faq_records = []
    for index in range(faqs):
        service = records[index % len(records)]
        template = _QUESTIONS[(index // len(records)) % len(_QUESTIONS)]
        faq_records.append(
            {
                "service": service["code"],
                "question": template.format(name=service["name"])
                + ("" if index < len(records) * len(_QUESTIONS) else f"（{index}）"),
                "answer": "请以“一网通办”办事指南为准。",
            }
        )
    return {"departments": departments, "services": records, "faqs": faq_records}
