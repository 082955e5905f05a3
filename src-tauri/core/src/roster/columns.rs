//! The columns of each roster, in template order: the header clerks see, the form field
//! a validation error names (so an error lands in the right column), whether it must be
//! filled, and the hint the template shows under it.

use crate::codes::code_enum;
use crate::domain::person::PersonKind;

code_enum! {
    RosterKind { Clients = "clients", Children = "children", Staff = "staff" }
}

impl RosterKind {
    /// The sheet and file name the template and exports use.
    pub fn title(self) -> &'static str {
        match self {
            RosterKind::Clients => "服务对象名单",
            RosterKind::Children => "幼儿名单",
            RosterKind::Staff => "工作人员名单",
        }
    }

    /// The kind of person one row of this list is.
    pub fn person(self) -> PersonKind {
        match self {
            RosterKind::Clients => PersonKind::Client,
            RosterKind::Children => PersonKind::Child,
            RosterKind::Staff => PersonKind::Staff,
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            RosterKind::Clients => CLIENT_COLUMNS,
            RosterKind::Children => CHILD_COLUMNS,
            RosterKind::Staff => STAFF_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    /// The form field whose validation errors belong to this column.
    pub field: &'static str,
    pub required: bool,
    pub hint: &'static str,
}

const fn col(header: &'static str, field: &'static str, required: bool, hint: &'static str) -> Column {
    Column { header, field, required, hint }
}

pub const NAME: &str = "姓名";
pub const ID_NUMBER: &str = "身份证号";
pub const SEX: &str = "性别";
pub const BIRTH_DATE: &str = "出生日期";
pub const ETHNICITY: &str = "民族";
pub const PHONE: &str = "电话";
pub const FACILITY: &str = "所属机构";
pub const COMMUNITY: &str = "社区";
pub const ADDRESS: &str = "住址";
pub const LIVING: &str = "居住情况";
pub const CONDITIONS: &str = "慢性病";
pub const DIETS: &str = "饮食需求";
pub const ALLERGIES: &str = "过敏";
pub const CONTACT_NAME: &str = "紧急联系人";
pub const CONTACT_RELATION: &str = "联系人关系";
pub const CONTACT_PHONE: &str = "联系人电话";
pub const CONSENT: &str = "已同意健康数据处理";
pub const NOTES: &str = "备注";
pub const CLASS: &str = "班级";
pub const ENROLLED: &str = "入托日期";
pub const LEFT: &str = "离园日期";
pub const GUARDIAN_NAME: &str = "监护人姓名";
pub const GUARDIAN_RELATION: &str = "监护人关系";
pub const GUARDIAN_PHONE: &str = "监护人电话";
pub const GUARDIAN_ID_TAIL: &str = "监护人身份证后四位";
pub const PICKUP_NAME: &str = "接送人姓名";
pub const PICKUP_RELATION: &str = "接送人关系";
pub const PICKUP_PHONE: &str = "接送人电话";
pub const PICKUP_ID_TAIL: &str = "接送人身份证后四位";
pub const GUARDIAN_CONSENT: &str = "监护人已同意";
pub const JOB: &str = "岗位";
pub const SKILLS: &str = "资质";
pub const WORK_STARTS: &str = "上班时间";
pub const WORK_ENDS: &str = "下班时间";
pub const WORK_DAYS: &str = "工作日";
pub const ACTIVE: &str = "在职";

const ID_HINT: &str = "18 位，请设为文本格式；有身份证号时性别和出生日期可不填";
const STAFF_ID_HINT: &str = "18 位，请设为文本格式；可不填";
const DATE_HINT: &str = "如 1952-03-14";
const CHILD_BIRTH_HINT: &str = "如 2023-06-01";
const ENROL_HINT: &str = "如 2025-09-01";
const FACILITY_HINT: &str = "机构全称；不填则导入到所选机构";

pub const CLIENT_COLUMNS: &[Column] = &[
    col(NAME, "name", true, ""),
    col(ID_NUMBER, "id_number", false, ID_HINT),
    col(SEX, "sex", false, "男 / 女"),
    col(BIRTH_DATE, "birth_date", false, DATE_HINT),
    col(ETHNICITY, "ethnicity", true, "如 汉族、蒙古族、回族"),
    col(PHONE, "phone", false, ""),
    col(FACILITY, "facility_id", false, FACILITY_HINT),
    col(COMMUNITY, "community_id", true, "社区或村的名称，如 新华社区"),
    col(ADDRESS, "address", false, ""),
    col(LIVING, "living_situation", false, "不详 / 独居 / 与配偶同住 / 与子女同住 / 与他人同住 / 机构养老"),
    col(CONDITIONS, "chronic_conditions", false, "多项用顿号分隔，如 高血压、糖尿病"),
    col(DIETS, "diet_needs", false, "低盐、低糖、软食、碎食、清真、素食"),
    col(ALLERGIES, "allergies", false, "多项用顿号分隔"),
    col(CONTACT_NAME, "contacts", false, ""),
    col(CONTACT_RELATION, "contacts", false, "如 儿子、女儿"),
    col(CONTACT_PHONE, "contacts", false, ""),
    col(CONSENT, "consent", false, "是 / 否"),
    col(NOTES, "notes", false, ""),
];

pub const CHILD_COLUMNS: &[Column] = &[
    col(NAME, "name", true, ""),
    col(ID_NUMBER, "id_number", false, ID_HINT),
    col(SEX, "sex", false, "男 / 女"),
    col(BIRTH_DATE, "birth_date", false, CHILD_BIRTH_HINT),
    col(ETHNICITY, "ethnicity", true, "如 汉族、蒙古族、回族"),
    col(FACILITY, "facility_id", false, FACILITY_HINT),
    col(CLASS, "class_id", false, "该机构的班级名称"),
    col(ENROLLED, "enrolled_on", true, ENROL_HINT),
    col(LEFT, "left_on", false, ENROL_HINT),
    col(ALLERGIES, "allergies", false, "多项用顿号分隔，如 鸡蛋、花生"),
    col(DIETS, "diet_needs", false, "清真、素食 等"),
    col(GUARDIAN_NAME, "contacts", true, ""),
    col(GUARDIAN_RELATION, "contacts", true, "如 父亲、母亲"),
    col(GUARDIAN_PHONE, "contacts", true, ""),
    col(GUARDIAN_ID_TAIL, "contacts", false, "4 位，最后一位可为 X"),
    col(PICKUP_NAME, "contacts", false, "另一位授权接送人"),
    col(PICKUP_RELATION, "contacts", false, ""),
    col(PICKUP_PHONE, "contacts", false, ""),
    col(PICKUP_ID_TAIL, "contacts", false, ""),
    col(GUARDIAN_CONSENT, "consent", false, "是 / 否"),
    col(NOTES, "notes", false, ""),
];

pub const STAFF_COLUMNS: &[Column] = &[
    col(NAME, "name", true, ""),
    col(SEX, "sex", true, "男 / 女"),
    col(ID_NUMBER, "id_number", false, STAFF_ID_HINT),
    col(JOB, "job", true, "负责人 / 前台 / 护士 / 保健员 / 护理员 / 厨师 / 保育教师"),
    col(FACILITY, "facility_id", false, FACILITY_HINT),
    col(PHONE, "phone", false, ""),
    col(SKILLS, "skills", false, "如 护士执业证、养老护理员证"),
    col(WORK_STARTS, "work_starts", false, "如 08:00，不填为 08:00"),
    col(WORK_ENDS, "work_ends", false, "如 17:00，不填为 17:00"),
    col(WORK_DAYS, "work_days", false, "如 一、二、三、四、五，不填为周一至周五"),
    col(ACTIVE, "active", false, "是 / 否，不填为是"),
];

/// The column an error on `field` belongs to (the first with that field).
pub fn column_for(kind: RosterKind, field: &str) -> &'static str {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    kind.columns().iter().find(|c| c.field == base).map_or("", |c| c.header)
}
