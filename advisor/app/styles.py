"""The app's look: the theme, and the CSS of elderly mode.

Elderly mode is a class on the page's body, set in the browser when the switch is on: body text
at 24 px or more, every control at least 60 by 60 px, text at a contrast of 7:1 or more (black on
white, white on dark blue), and the help bar in the same place on every screen.
"""

from typing import Final

import gradio as gr

# Fonts that ship with Gradio, so nothing is fetched from the internet. Regular and bold only:
# Gradio's Source Sans Pro semibold file is a tiny subset that lacks letters such as "A" and "B".
THEME: Final = gr.themes.Default(
    primary_hue="blue",
    neutral_hue="slate",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "system-ui", "sans-serif"],
)

ELDERLY_TEXT_PX: Final = 24
ELDERLY_CONTROL_PX: Final = 60
ELDERLY_DARK: Final = "#0b3d91"  # white on it: 10.4:1

CSS: Final = f"""
.gradio-container {{ max-width: 1440px !important; width: 100% !important; margin: 0 auto; }}
#allocation-table, #backtest-table {{ --font-mono: var(--font); }}
.versions {{ color: var(--body-text-color-subdued); font-size: var(--text-sm); }}
#sign-in-form {{ max-width: 720px; margin: 0 auto; padding: 16px; }}
#signed-in-header {{ align-items: center; justify-content: flex-end; gap: 16px; }}
#signed-in-as {{ text-align: right; }}
.help-bar {{ padding: 12px 16px; border-radius: 8px; background: #fff8d6; color: #000;
  border: 2px solid #000; }}
.help-bar * {{ color: #000 !important; }}
.help-bar .help-bar, .help-bar .prose {{ border: none !important; padding: 0 !important;
  background: transparent !important; }}
#consent-panel, #questionnaire, #elderly-consent {{ padding: 16px; }}
#elderly-actions button {{ min-height: 96px; }}
#citation-text, #review-citation-text {{ max-height: 520px; overflow-y: auto; }}
#review-weights, #proposal-table, #book-table, #audit-table, #modify-weights,
#pending-trades {{ --font-mono: var(--font); }}
#profile td:nth-child(-n+2), #profile th:nth-child(-n+2) {{ white-space: nowrap; }}

/* Elderly mode ------------------------------------------------------------------------------ */
body.elderly {{
  --body-text-color: #000000;
  --body-text-color-subdued: #1a1a1a;
  --block-label-text-color: #000000;
  --block-info-text-color: #1a1a1a;
  --block-title-text-color: #000000;
  --input-placeholder-color: #333333;
  --background-fill-primary: #ffffff;
  --background-fill-secondary: #ffffff;
  --body-background-fill: #ffffff;
  --link-text-color: {ELDERLY_DARK};
  background: #ffffff !important;
}}
body.elderly .gradio-container :not(svg):not(svg *) {{
  font-size: {ELDERLY_TEXT_PX}px !important;
  line-height: 1.45 !important;
  color: #000000;
}}
body.elderly .gradio-container h1:not(svg):not(svg *) {{ font-size: 40px !important; }}
body.elderly .gradio-container h2:not(svg):not(svg *) {{ font-size: 34px !important; }}
body.elderly .gradio-container h3:not(svg):not(svg *) {{ font-size: 28px !important; }}
body.elderly .gradio-container button {{
  min-height: {ELDERLY_CONTROL_PX}px !important;
  min-width: {ELDERLY_CONTROL_PX}px !important;
  padding: 12px 24px !important;
  border-width: 3px !important;
  border-style: solid !important;
}}
body.elderly .gradio-container button.primary {{
  background: {ELDERLY_DARK} !important;
  border-color: {ELDERLY_DARK} !important;
  color: #ffffff !important;
}}
body.elderly .gradio-container button.secondary,
body.elderly .gradio-container button.stop {{
  background: #ffffff !important;
  border-color: #000000 !important;
  color: #000000 !important;
}}
body.elderly .gradio-container input[type="text"],
body.elderly .gradio-container input[type="password"],
body.elderly .gradio-container input[type="number"],
body.elderly .gradio-container textarea {{
  min-height: {ELDERLY_CONTROL_PX}px !important;
  color: #000000 !important;
  background: #ffffff !important;
  border: 2px solid #000000 !important;
}}
body.elderly .gradio-container input[type="checkbox"] {{
  width: 40px !important;
  height: 40px !important;
}}
body.elderly .gradio-container label:has(input[type="checkbox"]) {{
  min-height: {ELDERLY_CONTROL_PX}px !important;
  align-items: center;
}}
body.elderly .gradio-container .help-bar {{ position: sticky; top: 0; z-index: 20; }}
body.elderly .gradio-container .message {{ color: #000000 !important; }}
body.elderly footer {{ display: none !important; }}
body.elderly .gradio-container #sign-out {{ min-width: 180px !important; white-space: nowrap; }}
"""
