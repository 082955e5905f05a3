//! Money as a receipt writes it. Amounts are integer fen everywhere (docs/money.md); this
//! is where they become the capital-figure words (大写) a receipt must carry beside the
//! figures, by 会计基础工作规范 (财政部) art. 52 and the People's Bank of China's rules for
//! filling in bills (正确填写票据和结算凭证的基本规定).

/// Capital digits: never 一二三 or 十 on a bill.
const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// Places within a group of four digits, from the lowest.
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
/// Groups of four digits, from the lowest: ones, 万, 亿, 万亿.
const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];

/// The amount in capital words, with 人民币 before it (art. 52 (三)):
/// - a 0 between digits is written 零, several in a row once (52 (四));
/// - a 0 in the 元 place with 角 not 0 is written 零 too: the rule leaves it to the writer,
///   and the app always writes it (壹仟陆佰捌拾元零叁角贰分);
/// - 角 0 and 分 not 0: 零 before the 分 (壹佰元零伍分);
/// - ending at 元 or 角, 整 follows (52 (三): 到元或者角为止的，在"元"或者"角"字之后应当写"整"字);
///   ending at 分, nothing follows.
///
/// Under one yuan, the words start at 角 or 分 (伍角整); nothing at all is 零元整.
pub fn in_words(fen: u64) -> String {
    let (yuan, jiao, fen) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut out = String::from("人民币");
    if yuan > 0 {
        out.push_str(&yuan_words(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            if yuan % 10 == 0 && yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            if yuan % 10 == 0 && yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// A whole number of yuan (> 0) in capital words, as it is read: 壹仟零壹, 壹拾万柒仟,
/// 壹拾万零柒佰. Every place is named, 拾 with its 壹 (壹拾, as the bank's own examples
/// write it).
fn yuan_words(mut yuan: u64) -> String {
    let mut groups = Vec::new();
    while yuan > 0 {
        groups.push((yuan % 10_000) as usize);
        yuan /= 10_000;
    }
    let mut out = String::new();
    // A zero is owed when digits were skipped since the last one written.
    let mut owed_zero = false;
    for (g, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            owed_zero = !out.is_empty();
            continue;
        }
        // A group under 1000 after a higher one reads with a 零 first (壹拾万零柒佰).
        if !out.is_empty() && group < 1000 {
            owed_zero = true;
        }
        for place in (0..4).rev() {
            let digit = group / 10_usize.pow(place as u32) % 10;
            if digit == 0 {
                if !out.is_empty() {
                    owed_zero = true;
                }
                continue;
            }
            if owed_zero {
                out.push('零');
                owed_zero = false;
            }
            out.push(DIGITS[digit]);
            out.push_str(PLACES[place]);
        }
        out.push_str(GROUPS[g]);
        // Zeros at the end of a group are not owed to the next: 壹拾万柒仟 has no 零.
        owed_zero = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_worked_examples() {
        // The examples of 会计基础工作规范 art. 52 and the People's Bank's rules, and the
        // usual forms for nothing and for tens (docs/money.md).
        for (fen, words) in [
            (0, "人民币零元整"),
            (1000, "人民币壹拾元整"),
            (10_005, "人民币壹佰元零伍分"),
            (12_345, "人民币壹佰贰拾叁元肆角伍分"),
            (100_150, "人民币壹仟零壹元伍角整"),
            (140_950, "人民币壹仟肆佰零玖元伍角整"),
            (600_714, "人民币陆仟零柒元壹角肆分"),
            (10_700_053, "人民币壹拾万柒仟元零伍角叁分"),
            (1_000_000_000, "人民币壹仟万元整"),
            (168_032, "人民币壹仟陆佰捌拾元零叁角贰分"),
            (32_504, "人民币叁佰贰拾伍元零肆分"),
        ] {
            assert_eq!(in_words(fen), words, "{fen} fen");
        }
    }

    #[test]
    fn under_one_yuan_and_zeros_inside_and_between_groups() {
        for (fen, words) in [
            (50, "人民币伍角整"),
            (5, "人民币伍分"),
            (55, "人民币伍角伍分"),
            (1200, "人民币壹拾贰元整"),
            (10_070_000, "人民币壹拾万零柒佰元整"),
            (2_000_000, "人民币贰万元整"),
            (20_000_000, "人民币贰拾万元整"),
            (10_000_000_000, "人民币壹亿元整"),
            (10_000_000_100, "人民币壹亿零壹元整"),
            (10_001_000_000, "人民币壹亿零壹万元整"),
            (11_000_000_000, "人民币壹亿壹仟万元整"),
            (100_100, "人民币壹仟零壹元整"),
            (1_001_000, "人民币壹万零壹拾元整"),
            (1_100_000, "人民币壹万壹仟元整"),
            (1_000_100, "人民币壹万零壹元整"),
            (36_000, "人民币叁佰陆拾元整"),
            (36_050, "人民币叁佰陆拾元零伍角整"),
        ] {
            assert_eq!(in_words(fen), words, "{fen} fen");
        }
    }

    #[test]
    fn every_amount_reads_with_capital_digits_only_and_ends_as_the_rule_says() {
        for fen in (0..2_000_000u64).step_by(37) {
            let words = in_words(fen);
            assert!(words.starts_with("人民币"));
            assert!(!words.contains(['一', '二', '三', '十', '百', '千']), "{fen}: {words}");
            assert!(!words.contains("零零"), "{fen}: {words}");
            assert_eq!(words.ends_with('分'), fen % 10 != 0, "{fen}: {words}");
            assert_eq!(words.ends_with('整'), fen % 10 == 0, "{fen}: {words}");
        }
    }
}
