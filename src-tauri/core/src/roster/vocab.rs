//! The words a roster spreadsheet uses: the Chinese labels clerks type for each code
//! (性别 男/女, 饮食需求 低盐、清真 …). The template, the importer and the exporter all
//! read them from here, so a file exported today imports tomorrow. Each code also
//! accepts its English code, so a file made by a script imports too.

use crate::domain::facility::{FacilityKind, Service};
use crate::domain::person::{ChronicCondition, ClientStatus, DietNeed, LivingSituation, PersonKind, Skill, StaffJob};
use crate::domain::resident_id::Sex;

pub const SEXES: &[(Sex, &str)] = &[(Sex::Male, "男"), (Sex::Female, "女")];

pub const LIVING: &[(LivingSituation, &str)] = &[
    (LivingSituation::Unknown, "不详"),
    (LivingSituation::Alone, "独居"),
    (LivingSituation::WithSpouse, "与配偶同住"),
    (LivingSituation::WithChildren, "与子女同住"),
    (LivingSituation::WithOthers, "与他人同住"),
    (LivingSituation::Institution, "机构养老"),
];

pub const CONDITIONS: &[(ChronicCondition, &str)] = &[
    (ChronicCondition::Hypertension, "高血压"),
    (ChronicCondition::Diabetes, "糖尿病"),
    (ChronicCondition::CoronaryHeartDisease, "冠心病"),
    (ChronicCondition::Stroke, "脑卒中"),
    (ChronicCondition::Copd, "慢阻肺"),
    (ChronicCondition::Dementia, "认知障碍"),
    (ChronicCondition::Arthritis, "关节炎"),
    (ChronicCondition::Osteoporosis, "骨质疏松"),
    (ChronicCondition::ChronicKidneyDisease, "慢性肾病"),
    (ChronicCondition::Cancer, "肿瘤"),
];

pub const DIETS: &[(DietNeed, &str)] = &[
    (DietNeed::LowSalt, "低盐"),
    (DietNeed::LowSugar, "低糖"),
    (DietNeed::Soft, "软食"),
    (DietNeed::Minced, "碎食"),
    (DietNeed::Halal, "清真"),
    (DietNeed::Vegetarian, "素食"),
];

pub const STATUSES: &[(ClientStatus, &str)] = &[
    (ClientStatus::Active, "在册"),
    (ClientStatus::Suspended, "暂停"),
    (ClientStatus::Moved, "迁出"),
    (ClientStatus::Deceased, "去世"),
];

pub const JOBS: &[(StaffJob, &str)] = &[
    (StaffJob::Manager, "负责人"),
    (StaffJob::FrontDesk, "前台"),
    (StaffJob::Nurse, "护士"),
    (StaffJob::HealthWorker, "保健员"),
    (StaffJob::Caregiver, "护理员"),
    (StaffJob::Cook, "厨师"),
    (StaffJob::Teacher, "保育教师"),
];

pub const SKILLS: &[(Skill, &str)] = &[
    (Skill::NurseLicence, "护士执业证"),
    (Skill::HealthWorker, "保健员证"),
    (Skill::CaregiverCertificate, "养老护理员证"),
    (Skill::Rehabilitation, "康复治疗"),
    (Skill::CookHealthCertificate, "食品从业健康证"),
    (Skill::ChildcareTeacher, "保育员证"),
    (Skill::SocialWorker, "社会工作者证"),
    (Skill::Driver, "驾驶证"),
];

pub const FACILITY_KINDS: &[(FacilityKind, &str)] = &[
    (FacilityKind::ElderCentre, "养老服务中心"),
    (FacilityKind::ElderStation, "养老服务站"),
    (FacilityKind::Childcare, "托幼一体化服务机构"),
];

/// 医养康护餐乐, one character a service.
pub const SERVICES: &[(Service, &str)] = &[
    (Service::Medical, "医"),
    (Service::DailyCare, "养"),
    (Service::Rehabilitation, "康"),
    (Service::Nursing, "护"),
    (Service::Meals, "餐"),
    (Service::Recreation, "乐"),
];

pub const PERSON_KINDS: &[(PersonKind, &str)] =
    &[(PersonKind::Client, "服务对象"), (PersonKind::Child, "幼儿"), (PersonKind::Staff, "工作人员")];

pub const WEEKDAYS: &[(u8, &str)] = &[(1, "一"), (2, "二"), (3, "三"), (4, "四"), (5, "五"), (6, "六"), (7, "日")];

/// Synonyms clerks write for some labels.
const ALIASES: &[(&str, &str)] = &[
    ("男性", "男"),
    ("女性", "女"),
    ("站长", "负责人"),
    ("园长", "负责人"),
    ("中风", "脑卒中"),
    ("老年痴呆", "认知障碍"),
    ("痴呆", "认知障碍"),
    ("癌症", "肿瘤"),
    ("糖尿病饮食", "低糖"),
    ("教师", "保育教师"),
    ("幼师", "保育教师"),
    ("星期日", "日"),
    ("周日", "日"),
    ("天", "日"),
];

fn unalias(word: &str) -> &str {
    ALIASES.iter().find(|(alias, _)| *alias == word).map_or(word, |(_, label)| label)
}

/// The code for a label (or for the code itself, in any case).
pub fn lookup<T: Copy>(table: &[(T, &str)], word: &str, code: impl Fn(T) -> &'static str) -> Option<T> {
    let word = unalias(word.trim());
    table.iter().find(|(v, label)| *label == word || code(*v).eq_ignore_ascii_case(word)).map(|(v, _)| *v)
}

pub fn label<T: PartialEq + Copy>(table: &[(T, &'static str)], value: T) -> &'static str {
    table.iter().find(|(v, _)| *v == value).map_or("", |(_, label)| label)
}

/// Splits "高血压、糖尿病" (or with ，,;；/ or spaces) into its words.
pub fn words(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['、', ',', '，', ';', '；', '/', ' ', '\u{3000}']).map(str::trim).filter(|w| !w.is_empty())
}

/// 是/否 and the ways people write them. `None` when it is neither.
pub fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "是" | "有" | "已同意" | "同意" | "y" | "yes" | "true" | "1" | "√" => Some(true),
        "否" | "无" | "未同意" | "不同意" | "n" | "no" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

pub fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_codes_and_aliases_all_find_the_value() {
        assert_eq!(lookup(DIETS, "清真", DietNeed::as_str), Some(DietNeed::Halal));
        assert_eq!(lookup(DIETS, "HALAL", DietNeed::as_str), Some(DietNeed::Halal));
        assert_eq!(lookup(CONDITIONS, "老年痴呆", ChronicCondition::as_str), Some(ChronicCondition::Dementia));
        assert_eq!(lookup(JOBS, "园长", StaffJob::as_str), Some(StaffJob::Manager));
        assert_eq!(lookup(SEXES, " 女 ", sex_code), Some(Sex::Female));
        assert_eq!(lookup(DIETS, "辣", DietNeed::as_str), None);
    }

    #[test]
    fn lists_split_on_every_separator_people_use() {
        let w: Vec<&str> = words("高血压、糖尿病，冠心病;  骨质疏松").collect();
        assert_eq!(w, ["高血压", "糖尿病", "冠心病", "骨质疏松"]);
    }

    #[test]
    fn every_code_has_one_label() {
        assert_eq!(DIETS.len(), DietNeed::ALL.len());
        assert_eq!(CONDITIONS.len(), ChronicCondition::ALL.len());
        assert_eq!(LIVING.len(), LivingSituation::ALL.len());
        assert_eq!(JOBS.len(), StaffJob::ALL.len());
        assert_eq!(SKILLS.len(), Skill::ALL.len());
        assert_eq!(STATUSES.len(), ClientStatus::ALL.len());
    }
}
