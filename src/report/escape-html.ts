// Text from the instance (service names, domains) goes into HTML and SVG: escaped so a name like
// `<script>` or `"Tom & Jerry"` reads as written and can never become markup.
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
