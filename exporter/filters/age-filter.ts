import { createDateReader } from './date-reader.js';
import { defineFilter } from './filter.js';

/**
 * Age in whole years at ctx.now, both dates taken as calendar days in ctx.timeZone. Someone
 * born on 29 February has their birthday, in years without one, on 1 March: they are still 17
 * on 28 February 2023 and 18 on 1 March 2023 when born on 29 February 2005. A birth date after
 * ctx.now, or a value that is not a date, gives ''.
 */
export const ageFilter = defineFilter({
  id: 'age',
  title: 'Age from a date',
  description: 'Age in whole years at the time of the export, from a birth date.',
  accepts: ['date', 'datetime', 'text'],
  compile(ctx) {
    const reader = createDateReader(ctx.timeZone);
    const today = reader.civil(ctx.now);
    if (today === undefined) return () => '';
    // Month and day packed as MMDD: comparing them compares the position in the year, so
    // 0229 falls between 0228 and 0301 as the rule above wants.
    const todayInYear = today.month * 100 + today.day;
    return (value) => {
      const birth = reader.civil(value);
      if (birth === undefined) return '';
      const birthInYear = birth.month * 100 + birth.day;
      const age = today.year - birth.year - (todayInYear < birthInYear ? 1 : 0);
      return age < 0 ? '' : String(age);
    };
  },
});
