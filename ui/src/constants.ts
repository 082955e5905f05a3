// Fixed vocabularies from the Rust side, in display order.
import type { CareLevel } from './bindings/CareLevel'
import type { ChronicCondition } from './bindings/ChronicCondition'
import type { ClientStatus } from './bindings/ClientStatus'
import type { DietNeed } from './bindings/DietNeed'
import type { FacilityKind } from './bindings/FacilityKind'
import type { LivingSituation } from './bindings/LivingSituation'
import type { PersonKind } from './bindings/PersonKind'
import type { Service } from './bindings/Service'
import type { Sex } from './bindings/Sex'
import type { Skill } from './bindings/Skill'
import type { StaffJob } from './bindings/StaffJob'

export const FACILITY_KINDS: FacilityKind[] = ['elder_centre', 'elder_station', 'childcare']
export const SERVICES: Service[] = ['medical', 'daily_care', 'rehabilitation', 'nursing', 'meals', 'recreation']
/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7]

export const KIND_TAG_TYPE: Record<FacilityKind, 'primary' | 'success' | 'warning'> = {
  elder_centre: 'primary',
  elder_station: 'success',
  childcare: 'warning',
}

export const PERSON_KINDS: PersonKind[] = ['client', 'child', 'staff']
export const SEXES: Sex[] = ['male', 'female']
export const CLIENT_STATUSES: ClientStatus[] = ['active', 'suspended', 'moved', 'deceased']
export const LIVING_SITUATIONS: LivingSituation[] = ['unknown', 'alone', 'with_spouse', 'with_children', 'with_others', 'institution']
export const CHRONIC_CONDITIONS: ChronicCondition[] = [
  'hypertension',
  'diabetes',
  'coronary_heart_disease',
  'stroke',
  'copd',
  'dementia',
  'arthritis',
  'osteoporosis',
  'chronic_kidney_disease',
  'cancer',
]
export const DIET_NEEDS: DietNeed[] = ['low_salt', 'low_sugar', 'soft', 'minced', 'halal', 'vegetarian']
export const STAFF_JOBS: StaffJob[] = ['manager', 'front_desk', 'nurse', 'health_worker', 'caregiver', 'cook', 'teacher']
export const SKILLS: Skill[] = [
  'nurse_licence',
  'health_worker',
  'caregiver_certificate',
  'rehabilitation',
  'cook_health_certificate',
  'childcare_teacher',
  'social_worker',
  'driver',
]
/** GB/T 42195-2022 levels; an assessment summary's numeric `level` indexes this list. */
export const CARE_LEVELS: CareLevel[] = ['intact', 'mild', 'moderate', 'severe', 'total']

export const PERSON_TAG_TYPE: Record<PersonKind, 'primary' | 'warning' | 'info'> = {
  client: 'primary',
  child: 'warning',
  staff: 'info',
}

/** Client statuses a record can be changed to from `from`; moves and deaths are confirmed. */
export const STATUS_NEEDS_CONFIRM: ClientStatus[] = ['moved', 'deceased']

/**
 * The 56 ethnic groups by their official names (GB/T 3304), the ones most common in
 * Wuhai first. They are stored as written; the select also accepts other text.
 */
export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '满族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '侗族',
  '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族',
  '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族',
  '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族',
  '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
]
/** What a new record starts with: the ethnicity of most residents, changed with one click. */
export const DEFAULT_ETHNICITY = '汉族'

/** Rows per page in the people lists. */
export const PAGE_SIZE = 50
