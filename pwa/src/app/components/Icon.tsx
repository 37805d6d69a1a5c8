// Line icons for the tab bar and the home tiles, inline SVG in currentColor: emoji and symbol
// characters rendered as empty boxes on phones without an emoji font. Decorative: the label
// beside each icon names it, so they are hidden from screen readers.

const PATHS = {
  home: "M3 11 12 3l9 8M5 9.5V21h5v-6h4v6h5V9.5",
  certificates: "M5 3h14v18H5zM8 8h8M8 12h8M8 16h5",
  points: "M12 21v-9M12 12c0-4 3-7 8-7 0 5-3 7-8 7zM12 15c0-3-2.5-5-7-5 0 3.5 2.5 5 7 5z",
  me: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-7 8-7s8 3 8 7",
  meeting: "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 5a3 3 0 0 1 0 6M18 14c2 .8 3 3 3 6",
  flight: "M2 16l20-6-3-2-7 2-6-5-2 1 4 6-4 1-2-1-1 1 3 3z",
  hearing: "M12 3v18M7 21h10M4 7h16M4 7l-2 6a3 3 0 0 0 4 0zM20 7l-2 6a3 3 0 0 0 4 0z",
  venue: "M3 9c0-2 4-4 9-4s9 2 9 4v8c0 2-4 4-9 4s-9-2-9-4zM3 9c0 2 4 4 9 4s9-2 9-4M12 13v8",
  site: "M3 21h18M4 10h16L12 4zM6 10v8M10 10v8M14 10v8M18 10v8",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
