// The regions a server can serve; data stays in its region.

export const REGIONS = ['eu', 'us', 'au'] as const
export type Region = (typeof REGIONS)[number]

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value)
}
