//! What is generated about customers, each derived from the seed and its index alone:
//! the customer (CUST-2), its months (CUST-3), daily snapshots, trades, fund transfers
//! and account events. Amounts are fen.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::names::{self, CITIES, FIRM_KINDS, FIRM_WORDS, ROADS, STOCKS, TAGS};
use super::org::{birth_date, id_number, order_number};
use super::rng::{Rng, spread};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn previous(self) -> Month {
        match self.month {
            1 => Month {
                year: self.year - 1,
                month: 12,
            },
            m => Month {
                year: self.year,
                month: m - 1,
            },
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month")
    }

    pub fn last_day(self) -> NaiveDate {
        let next = match self.month {
            12 => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            m => NaiveDate::from_ymd_opt(self.year, m + 1, 1),
        };
        next.expect("a month") - Duration::days(1)
    }

    /// `YYYY-MM`.
    pub fn text(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Upper bounds (yuan) of the CLASS-3 asset bands from 0 up; the last band runs to
/// 3亿.
pub const BANDS: [i64; 14] = [
    5_000,
    20_000,
    50_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    20_000_000,
    50_000_000,
    100_000_000,
    300_000_000,
];

/// How often each band is drawn (in 1/2010ths): a long tail, roughly log-normal.
const BAND_WEIGHTS: [u32; 14] = [280, 280, 280, 260, 240, 260, 160, 110, 70, 30, 12, 5, 2, 1];

/// The band (index into [`BANDS`]) of an amount in fen.
#[cfg(test)]
pub fn band_of(fen: i64) -> usize {
    BANDS
        .iter()
        .position(|upper| fen < upper * 100)
        .unwrap_or(BANDS.len() - 1)
}

/// Who owns the generated customers.
#[derive(Debug, Clone)]
pub enum Owners {
    /// The demo reps, each with a fixed number of customers, in order: code, count,
    /// the account-number prefix of its branch, its city.
    Demo(Vec<(String, u64, &'static str, usize)>),
    /// Generated reps; each customer's owner is drawn among them.
    Reps(Vec<String>),
}

impl Owners {
    /// The demo reps' customers (README).
    pub fn demo() -> Owners {
        Owners::Demo(vec![
            ("A0001".into(), 150, "0021", 0),
            ("A0002".into(), 60, "0021", 0),
            ("A0003".into(), 40, "0021", 0),
            ("A0004".into(), 40, "0755", 2),
        ])
    }

    pub fn demo_total(&self) -> Option<u64> {
        match self {
            Owners::Demo(reps) => Some(reps.iter().map(|r| r.1).sum()),
            Owners::Reps(_) => None,
        }
    }
}

/// Everything a generated run is derived from.
#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    /// Today (China time); data runs up to yesterday.
    pub today: NaiveDate,
    /// The months of CUST-3 rows, newest (the current month) first.
    pub months: Vec<Month>,
    /// The days of daily snapshots, oldest first.
    pub days: Vec<NaiveDate>,
    /// The days trades, transfers and equity events fall on, oldest first.
    pub trade_days: Vec<NaiveDate>,
    pub customers: u64,
    pub trades: u64,
    pub owners: Owners,
}

/// The last `count` weekdays up to and including `last`, oldest first.
pub fn weekdays_until(last: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let mut days = Vec::with_capacity(count);
    let mut day = last;
    while days.len() < count {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
        day -= Duration::days(1);
    }
    days.reverse();
    days
}

/// The `count` months up to the one `today` is in, newest first.
pub fn months_until(today: NaiveDate, count: usize) -> Vec<Month> {
    let mut months = vec![Month::of(today)];
    while months.len() < count {
        let last = *months.last().expect("one month");
        months.push(last.previous());
    }
    months.truncate(count);
    months
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Potential,
    Target,
    Existing,
    Lost,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Potential => "potential",
            Status::Target => "target",
            Status::Existing => "existing",
            Status::Lost => "lost",
        }
    }

    /// Whether the customer has an account (and so figures).
    pub fn has_account(self) -> bool {
        matches!(self, Status::Existing | Status::Lost)
    }
}

/// One generated customer.
#[derive(Debug, Clone)]
pub struct Customer {
    pub index: u64,
    pub account_no: String,
    pub name: String,
    pub institution: bool,
    pub male: bool,
    pub birth_date: Option<NaiveDate>,
    pub mobile: String,
    pub email: Option<String>,
    pub address: String,
    pub id_number: Option<String>,
    pub status: Status,
    pub grade: Option<&'static str>,
    pub level: Option<&'static str>,
    pub risk_tolerance: Option<&'static str>,
    pub open_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    pub assessment_effective_date: Option<NaiveDate>,
    /// Day lost and how (`cancelled`, `custody_transferred`, `closed`).
    pub lost: Option<(NaiveDate, &'static str)>,
    pub tags: Vec<&'static str>,
    pub owner_code: String,
    /// Current total assets, fen.
    pub assets: i64,
    /// Shares of the assets in margin, quote repo, floating-income and quant products.
    pub shares: [f64; 4],
    /// Monthly turnover (volume / daily-average assets); 0 for those who do not trade.
    pub turnover: f64,
    /// Net commission per yuan traded.
    pub commission_rate: f64,
    /// Share of the assets held as cash.
    pub cash_share: f64,
}

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "158", "159", "177", "180", "181", "186", "187", "188", "189", "199",
];

fn date_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    if to <= from {
        return from;
    }
    from + Duration::days(rng.range(0, (to - from).num_days()))
}

fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// CLASS-1 grade from assets and yearly net commission (yuan).
pub fn grade(assets: f64, commission: f64) -> &'static str {
    if assets >= 1_000_000.0 || commission >= 20_000.0 {
        "金手指"
    } else if assets >= 200_000.0 || commission >= 5_000.0 {
        "金算盘"
    } else {
        "金钥匙"
    }
}

/// CLASS-2 level from daily-average assets and yearly net commission (yuan).
pub fn level(average: f64, commission: f64) -> &'static str {
    if average > 5_000_000.0 || commission >= 50_000.0 {
        "VIP"
    } else if commission >= 10_000.0 {
        "核心A"
    } else if average >= 500_000.0 {
        "核心B"
    } else if average >= 200_000.0 || commission >= 5_000.0 {
        "潜力"
    } else {
        "普通"
    }
}

impl World {
    /// The owner of customer `i`, its index among the owner's customers (for the
    /// demo), the account-number prefix and the city.
    fn owner(&self, i: u64) -> (String, Option<u64>, Option<(&'static str, usize)>) {
        match &self.owners {
            Owners::Demo(reps) => {
                let mut at = i;
                for (code, count, prefix, city) in reps {
                    if at < *count {
                        return (code.clone(), Some(at), Some((prefix, *city)));
                    }
                    at -= count;
                }
                let (code, _, prefix, city) = reps.last().expect("demo reps");
                (code.clone(), None, Some((prefix, *city)))
            }
            Owners::Reps(codes) => {
                let mut rng = Rng::stream(self.seed, "owner", i);
                (rng.pick(codes).clone(), None, None)
            }
        }
    }

    /// The account number of customer `i`: 12 digits.
    pub fn account_no(&self, i: u64) -> String {
        match self.owner(i).2 {
            Some((prefix, _)) => format!("{prefix}{:08}", spread(i, 100_000_000)),
            None => format!("1{:011}", spread(i, 100_000_000_000)),
        }
    }

    pub fn customer(&self, i: u64) -> Customer {
        let mut rng = Rng::stream(self.seed, "customer", i);
        let (owner_code, within_owner, branch) = self.owner(i);
        let yesterday = self.today - Duration::days(1);
        // The first customers of each demo rep (of the whole run otherwise) take one
        // asset band each, so every band shows however few customers there are.
        let forced_band = match within_owner {
            Some(j) => (j < BANDS.len() as u64).then_some(j as usize),
            None => (i < BANDS.len() as u64).then_some(i as usize),
        };
        let status = match (forced_band, rng.below(100)) {
            (Some(_), _) => Status::Existing,
            (None, 0..=5) => Status::Lost,
            (None, 6..=8) => Status::Potential,
            (None, 9..=10) => Status::Target,
            _ => Status::Existing,
        };
        let institution = forced_band.is_none() && rng.chance(0.02);
        let male = rng.chance(0.52);
        let city = match branch {
            Some((_, home)) if rng.chance(0.85) => &CITIES[home],
            _ => rng.pick(CITIES),
        };

        // Opening and later dates.
        let mut open_date = None;
        let mut effective_date = None;
        let mut assessment_effective_date = None;
        let mut lost = None;
        if status.has_account() {
            let year = if rng.chance(0.12) {
                self.today.year()
            } else {
                // More recent years are likelier.
                let span = f64::from(self.today.year() - 2005);
                2005 + (rng.unit().sqrt() * span) as i32
            };
            let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year");
            let last = NaiveDate::from_ymd_opt(year, 12, 31)
                .expect("a year")
                .min(yesterday);
            let opened = date_between(&mut rng, first, last);
            open_date = Some(opened);
            if rng.chance(0.85) {
                let day = opened + Duration::days(rng.range(3, 90));
                if day <= yesterday {
                    effective_date = Some(day);
                    if rng.chance(0.7) {
                        let day = day + Duration::days(rng.range(0, 60));
                        assessment_effective_date = (day <= yesterday).then_some(day);
                    }
                }
            }
            if status == Status::Lost {
                let window = self
                    .months
                    .last()
                    .map_or(yesterday, |m| m.first_day())
                    .max(opened + Duration::days(30));
                let day = if rng.chance(0.5) || window >= yesterday {
                    date_between(&mut rng, window.min(yesterday), yesterday)
                } else {
                    date_between(&mut rng, (opened + Duration::days(30)).min(window), window)
                };
                let how = match rng.below(10) {
                    0..=4 => "cancelled",
                    5..=7 => "custody_transferred",
                    _ => "closed",
                };
                lost = Some((day.max(opened), how));
            }
        }

        // Assets and how they are held.
        let assets = if status.has_account() {
            let band = forced_band.unwrap_or_else(|| rng.weighted(&BAND_WEIGHTS));
            let low = if band == 0 { 100 } else { BANDS[band - 1] };
            rng.range(low * 100, BANDS[band] * 100 - 1)
        } else {
            0
        };
        let margin = assets >= 50_000_000 && rng.chance(0.3);
        let shares = [
            if margin { rng.between(0.1, 0.35) } else { 0.0 },
            if rng.chance(0.3) {
                rng.between(0.0, 0.1)
            } else {
                0.0
            },
            if rng.chance(0.3) {
                rng.between(0.0, 0.15)
            } else {
                0.0
            },
            if rng.chance(0.15) {
                rng.between(0.0, 0.1)
            } else {
                0.0
            },
        ];
        let turnover = if rng.chance(0.7) {
            let base = 0.05 + rng.unit() * rng.unit() * 4.0;
            if rng.chance(0.05) { base * 3.0 } else { base }
        } else {
            0.0
        };
        let commission_rate = rng.between(0.00015, 0.0006);
        let cash_share = rng.between(0.03, 0.4);
        let yearly_commission = yuan(assets) * turnover * commission_rate * 12.0;
        let (grade, level) = if status.has_account() {
            (
                Some(grade(yuan(assets), yearly_commission)),
                Some(level(yuan(assets), yearly_commission)),
            )
        } else {
            (None, None)
        };
        let risk_tolerance = match rng.below(20) {
            0..=6 => "conservative",
            7..=15 => "steady",
            _ => "aggressive",
        };

        // Who they are.
        let (name, birth, id_number) = if institution {
            let name = format!(
                "{}{}{}",
                city.name,
                rng.pick(FIRM_WORDS),
                rng.pick(FIRM_KINDS)
            );
            (name, None, None)
        } else {
            let since_open = open_date.map_or(0, |d| i64::from(self.today.year() - d.year()));
            let birth = birth_date(&mut rng, self.today, 20.max(since_open + 18), 80);
            let id = id_number(city.region_code, birth, order_number(i, male));
            (names::person(&mut rng, male), Some(birth), Some(id))
        };
        let mobile = format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.below(100_000_000));
        let email = rng.chance(0.35).then(|| {
            if rng.chance(0.6) {
                format!("{}@qq.com", rng.range(10_000_000, 2_999_999_999))
            } else {
                format!("kh{}@163.com", rng.range(100_000, 999_999))
            }
        });
        let address = format!(
            "{}市{}{}{}号{}",
            city.name,
            city.district,
            rng.pick(ROADS),
            rng.range(1, 999),
            if rng.chance(0.7) {
                format!("{}室", rng.range(101, 2_808))
            } else {
                String::new()
            }
        );
        let mut tags = Vec::new();
        if margin {
            tags.push("两融客户");
        }
        if assets >= 500_000_000 {
            tags.push("高净值");
        }
        if open_date.is_some_and(|d| d.year() == self.today.year()) {
            tags.push("新开户");
        }
        for _ in 0..rng.weighted(&[45, 35, 20]) {
            let tag = *rng.pick(TAGS);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }

        Customer {
            index: i,
            account_no: self.account_no(i),
            name,
            institution,
            male,
            birth_date: birth,
            mobile,
            email,
            address,
            id_number,
            status,
            grade,
            level,
            risk_tolerance: status.has_account().then_some(risk_tolerance),
            open_date,
            effective_date,
            assessment_effective_date,
            lost,
            tags,
            owner_code,
            assets,
            shares,
            turnover,
            commission_rate,
            cash_share,
        }
    }

    /// The customer's CUST-3 figures for each of [`World::months`] (newest first), in
    /// `customer_months` column order; all zero for months it had no account in.
    pub fn months_of(&self, c: &Customer) -> Vec<[i64; 15]> {
        let mut rng = Rng::stream(self.seed, "months", c.index);
        let mut assets = c.assets as f64;
        let mut rows = Vec::with_capacity(self.months.len());
        for (k, month) in self.months.iter().enumerate() {
            if k > 0 {
                // Walk back from the current figure.
                assets /= 1.0 + 0.04 * rng.normal();
            }
            let opened = c.open_date.is_some_and(|d| d <= month.last_day());
            let gone = c.lost.is_some_and(|(day, _)| day < month.first_day());
            if !opened || gone {
                rows.push([0; 15]);
                continue;
            }
            let total = assets as i64;
            let mut parts = [0i64; 4];
            for (part, share) in parts.iter_mut().zip(c.shares) {
                *part = (assets * share * rng.between(0.9, 1.1)) as i64;
            }
            let normal = total - parts.iter().sum::<i64>();
            let average = (assets * rng.between(0.85, 1.1)) as i64;
            let volume = (average as f64 * c.turnover * rng.between(0.5, 1.5)) as i64;
            let (collateral, credit) = if c.shares[0] > 0.0 {
                (
                    (volume as f64 * rng.between(0.1, 0.3)) as i64,
                    (volume as f64 * rng.between(0.05, 0.25)) as i64,
                )
            } else {
                (0, 0)
            };
            let commission = (volume as f64 * c.commission_rate) as i64;
            let share_of = |part: i64| {
                if volume == 0 {
                    0
                } else {
                    (commission as i128 * part as i128 / volume as i128) as i64
                }
            };
            let (collateral_commission, credit_commission) =
                (share_of(collateral), share_of(credit));
            rows.push([
                total,
                normal,
                parts[0],
                parts[1],
                parts[2],
                parts[3],
                average,
                volume,
                volume - collateral - credit,
                collateral,
                credit,
                commission,
                commission - collateral_commission - credit_commission,
                collateral_commission,
                credit_commission,
            ]);
        }
        rows
    }

    /// The customer's snapshots for each of [`World::days`]: (total assets, cash); the
    /// newest is its current assets.
    pub fn days_of(&self, c: &Customer) -> Vec<(i64, i64)> {
        let mut rng = Rng::stream(self.seed, "days", c.index);
        let mut assets = c.assets as f64;
        let mut out = Vec::with_capacity(self.days.len());
        for k in 0..self.days.len() {
            if k > 0 {
                assets /= 1.0 + 0.01 * rng.normal();
            }
            out.push((assets as i64, (assets * c.cash_share) as i64));
        }
        out.reverse();
        out
    }

    /// How many customers trade, and the trades of each.
    fn traders(&self) -> u64 {
        if self.trades == 0 || self.customers == 0 {
            0
        } else {
            self.customers.min(self.trades.div_ceil(6))
        }
    }

    /// The trader ranges a batch of at most `size` trades covers.
    pub fn trade_batches(&self, size: usize) -> Vec<(u64, u64)> {
        let traders = self.traders();
        if traders == 0 {
            return Vec::new();
        }
        let most = self.trades.div_ceil(traders);
        let per = (size as u64 / most).max(1);
        (0..traders.div_ceil(per))
            .map(|b| (b * per, ((b + 1) * per).min(traders)))
            .collect()
    }

    /// Trader `j`'s trades: the customer, then (date, stock, side, quantity, price in
    /// fen, amount, commission, sequence). Buys come before the sells of what they
    /// bought, and no sell exceeds what is held.
    pub fn trades_of(&self, j: u64) -> (Customer, Vec<Trade>) {
        let traders = self.traders();
        let i = (u128::from(j) * u128::from(self.customers) / u128::from(traders)) as u64;
        let count = self.trades / traders + u64::from(j < self.trades % traders);
        let customer = self.customer(i);
        let first = self.trade_days.first().map_or(0, |d| d.num_days_from_ce());
        let mut rng = Rng::stream(self.seed ^ first as u64, "trades", j);
        let mut days: Vec<NaiveDate> = (0..count).map(|_| *rng.pick(&self.trade_days)).collect();
        days.sort_unstable();
        let budget_base = customer.assets.max(500_000) as f64;
        let mut held: Vec<(usize, i64)> = Vec::new();
        let mut trades = Vec::with_capacity(count as usize);
        for (k, day) in days.into_iter().enumerate() {
            let buy = held.is_empty() || rng.chance(0.6);
            let (stock, quantity) = if buy {
                let stock = rng.below(STOCKS.len() as u64) as usize;
                let lot = STOCKS[stock].2 * 100;
                let budget = budget_base * rng.between(0.02, 0.15);
                let lots = ((budget / lot as f64) as i64).clamp(1, 10_000);
                match held.iter_mut().find(|h| h.0 == stock) {
                    Some(h) => h.1 += lots * 100,
                    None => held.push((stock, lots * 100)),
                }
                (stock, lots * 100)
            } else {
                let at = rng.below(held.len() as u64) as usize;
                let (stock, quantity) = held[at];
                let sold = if quantity <= 100 || rng.chance(0.5) {
                    quantity
                } else {
                    quantity / 200 * 100
                };
                if sold == quantity {
                    held.swap_remove(at);
                } else {
                    held[at].1 -= sold;
                }
                (stock, sold)
            };
            let price = ((STOCKS[stock].2 as f64 * rng.between(0.92, 1.08)) as i64).max(1);
            let amount = price * quantity;
            trades.push(Trade {
                sequence: k as u32,
                day,
                stock,
                buy,
                quantity,
                amount,
                commission: (amount * 25 / 100_000).max(500),
            });
        }
        (customer, trades)
    }

    /// The customer's fund transfers: (day, inward, amount).
    pub fn transfers_of(&self, c: &Customer) -> Vec<(NaiveDate, bool, i64)> {
        let mut rng = Rng::stream(self.seed, "transfers", c.index);
        if !c.status.has_account() || self.trade_days.is_empty() || !rng.chance(0.08) {
            return Vec::new();
        }
        let mut out: Vec<_> = (0..rng.range(1, 2))
            .map(|_| {
                let amount = ((c.assets as f64 * rng.between(0.01, 0.2)) as i64).max(100_000);
                (*rng.pick(&self.trade_days), rng.chance(0.6), amount)
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// The customer's account events: (slot, day, kind, detail); the slot keeps event
    /// numbers stable.
    pub fn events_of(&self, c: &Customer) -> Vec<(u32, NaiveDate, &'static str, String)> {
        let mut events = Vec::new();
        if let Some(day) = c.open_date {
            events.push((1, day, "opened", "开立资金账户".to_string()));
        }
        if let Some(day) = c.effective_date {
            events.push((2, day, "effective", "转为有效户".to_string()));
        }
        if let Some(day) = c.assessment_effective_date {
            events.push((3, day, "assessment_effective", "转为考核有效户".to_string()));
        }
        let mut rng = Rng::stream(self.seed, "events", c.index);
        if c.status == Status::Existing && !self.trade_days.is_empty() && rng.chance(0.06) {
            let (code, name, _) = *rng.pick(STOCKS);
            let day = *rng.pick(&self.trade_days);
            let (kind, detail) = match rng.below(3) {
                0 => (
                    "dividend",
                    format!("{name}（{code}）现金分红 {} 元", rng.range(50, 20_000)),
                ),
                1 => ("ipo_win", format!("新股中签 {name}（{code}）500 股")),
                _ => ("rights_issue", format!("{name}（{code}）配股")),
            };
            if c.open_date.is_some_and(|d| d <= day) {
                events.push((4, day, kind, detail));
            }
        }
        if let Some((day, how)) = c.lost {
            let detail = match how {
                "cancelled" => "资金账户销户",
                "custody_transferred" => "证券转托管转出",
                _ => "账户关闭",
            };
            events.push((5, day, how, detail.to_string()));
        }
        events
    }
}

/// One trade of a trader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    pub sequence: u32,
    pub day: NaiveDate,
    pub stock: usize,
    pub buy: bool,
    pub quantity: i64,
    pub amount: i64,
    pub commission: i64,
}
