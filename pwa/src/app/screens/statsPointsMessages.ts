// Messages of the stats screen's carbon-inclusion points section, loaded with the screen's lazy
// chunk (not in the first load). Chinese is the reference: English has exactly the same keys.
import { addMessages } from "../i18n";

export const zh = {
  "pstats.title": "碳普惠积分",
  "pstats.intro": "市民的低碳行动按方法学获得积分，积分预算由赞助方注资。",
  "pstats.funded": "赞助方注资",
  "pstats.issued": "已发放",
  "pstats.redeemed": "已兑换",
  "pstats.expired": "已过期",
  "pstats.circulating": "流通中",
  "pstats.reduced": "已确认减排量",
  "pstats.byAction": "按行动类型的减排量",
  "pstats.actionValue": "{mass} · {n} 次",
  "pstats.pending": "另有 {n} 次行动待确认，共 {mass}（确认前不计入减排量）。",
  "pstats.noActions": "还没有已确认的低碳行动。",
  "pstats.sponsors": "赞助方预算使用情况",
  "pstats.budget": "已兑换 {spent} 积分，注资 {funded} 积分",
  "pstats.noSponsors": "还没有赞助方。",
  "pstats.empty": "还没有碳普惠积分记录。",
};

export const en: Record<keyof typeof zh, string> = {
  "pstats.title": "Carbon-inclusion points",
  "pstats.intro": "Citizens earn points for green actions by the methodology; sponsors fund the points.",
  "pstats.funded": "Funded by sponsors",
  "pstats.issued": "Issued",
  "pstats.redeemed": "Redeemed",
  "pstats.expired": "Expired",
  "pstats.circulating": "In circulation",
  "pstats.reduced": "Reductions confirmed",
  "pstats.byAction": "Reductions by action type",
  "pstats.actionValue": "{mass} · {n}×",
  "pstats.pending": "{n} more actions await confirmation, {mass} (not counted until confirmed).",
  "pstats.noActions": "No confirmed green actions yet.",
  "pstats.sponsors": "Sponsors' budgets used",
  "pstats.budget": "{spent} of {funded} points redeemed",
  "pstats.noSponsors": "No sponsors yet.",
  "pstats.empty": "No carbon-inclusion points yet.",
};

export const tp = addMessages({ zh, en });
