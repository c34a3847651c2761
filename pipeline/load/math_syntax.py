"""Math in Markdown: `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]` and LaTeX environments, found by the
parser and handed to the math stage as `<span class="math-tex">` (inline) and
`<div class="math-tex">` (display) whose text is the formula's LaTeX source.

- Inline: mdit-py-plugins' dollarmath with pandoc's rules for money (`allow_space=False`: no space
  inside the dollars; `allow_digits=False`: no digit right after the closing one, so `$5 and $10`
  stays text), and `\\(…\\)` and `\\[…\\]` inside a line by an inline rule of ours (texmath's
  block rule would take a line that starts with `\\[` whole and drop the text after its `\\]`).
- Display: one block rule of ours for `\\[ … \\]` and `$$ … $$` at the start of a line. Converters
  spread a display formula over several paragraphs (blank lines between its rows) and chain the
  next one on the closing line (`\\] \\[`): texmath stops at the first blank line and leaves the
  rest of a chain as raw paragraphs, so the rule reads to the closing delimiter across blank
  lines (at most `MAX_LINES`) and starts the next formula of a chain in the same pass.
- `\\begin{equation}`, `align`, … at the start of a line: mdit-py-plugins' amsmath.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

MAX_LINES = 80  # a display formula longer than this is no formula: its opener stays text
# converters escape brackets and parentheses in prose and code (`row\\['tickers'\\]`, `\\[1\\] Smith`):
# what the backslash delimiters hold is taken for math only when it reads as TeX
_TEX = re.compile(r"\\[A-Za-z]+|[\^_]\s*[{\w\\]|^\s*[A-Za-z]\s*$|[A-Za-z]'+\s*\(|[A-Za-z0-9)}]\s*[=<>+\-]\s*[A-Za-z0-9(\\{]")
_QUOTED = re.compile(r"^\s*(['\"`‘“]).*\1\s*$|^\s*['\"‘“].*['\"’”]\s*$", re.S)
# code in escaped brackets: a quoted string (a prime, f', is a letter's), or name.attribute
_CODE = re.compile(r"\"|(?<![A-Za-z'])'|'(?=[A-Za-z])|(?<!\\)\b[A-Za-z_]\w*\.[A-Za-z_]\w*\b")
_TEXT_GROUP = re.compile(r"\\(?:text|mathrm|textrm|textbf|mbox|operatorname)\s*\{[^{}]*\}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def reads_as_tex(content: str, display: bool = False) -> bool:
    """Whether what backslash delimiters hold is a formula, not escaped brackets around prose or
    code; a display block on lines of its own needs less (an operator: `= 6.0` continues a chain)."""
    if not content.strip() or _QUOTED.match(content) or _CODE.search(_TEXT_GROUP.sub("", content)):
        return False
    if _CJK.search(_TEXT_GROUP.sub("", content)) and not re.search(r"\\[A-Za-z]{2,}", content):
        return False  # Chinese outside \text{} and no command: prose in brackets
    return bool(_TEX.search(content) or display and re.search(r"[=<>+*/^_|]|\\", content))


CLOSERS = {"\\[": "\\]", "$$": "$$"}


def _display_math(state, start: int, end: int, silent: bool) -> bool:
    first = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    line = state.src[first:state.eMarks[start]]
    opener = next((o for o in CLOSERS if line.startswith(o)), None)
    if opener is None:
        return False
    formulas: list[tuple[int, int, str, str]] = []  # (first line, last line, source, opener)
    current, row, rest = [], start, line[len(opener):]
    first_row = start
    while True:
        closer = CLOSERS[opener]
        at = rest.find(closer)
        if at >= 0:
            current.append(rest[:at])
            formulas.append((first_row, row, "\n".join(current).strip(), opener))
            after = rest[at + len(closer):].strip()
            chained = next((o for o in CLOSERS if after.startswith(o)), None)
            if chained is None:
                if after:  # text after the closing delimiter: not a display formula of ours
                    return False
                break
            opener, rest, current, first_row = chained, after[len(chained):], [], row
            continue
        current.append(rest)
        row += 1
        if row >= end or row - start > MAX_LINES:
            return False
        rest = state.src[state.bMarks[row] + state.tShift[row]:state.eMarks[row]]
        if state.sCount[row] < state.blkIndent:  # the enclosing list item or quote ended
            return False
    if not all(reads_as_tex(source, display=True) for _t, _b, source, kind in formulas if kind == "\\["):
        return False  # `$$` is unambiguous; `\\[` may be an escaped bracket
    if silent:
        return True
    for top, bottom, source, _kind in formulas:
        token = state.push("math_display", "div", 0)
        token.block = True
        token.content = source
        token.map = [top, bottom + 1]
        token.markup = opener
    state.line = row + 1
    return True


def _bracket_math(state, silent: bool) -> bool:
    """`\\(…\\)` and `\\[…\\]` inside a paragraph (CommonMark would read `\\(` as an escaped `(`)."""
    opener = state.src[state.pos:state.pos + 2]
    if opener not in ("\\(", "\\["):
        return False
    closer = "\\)" if opener == "\\(" else "\\]"
    end = state.src.find(closer, state.pos + 2, state.posMax)
    if end < 0 or not reads_as_tex(state.src[state.pos + 2:end]):
        return False
    if not silent:
        token = state.push("math_inline" if opener == "\\(" else "math_inline_display", "span", 0)
        token.content = state.src[state.pos + 2:end].strip()
        token.markup = opener
    state.pos = end + 2
    return True


def _render_inline(self, tokens, idx, options, env) -> str:
    return f'<span class="math-tex">{escapeHtml(tokens[idx].content)}</span>'


def _render_inline_display(self, tokens, idx, options, env) -> str:
    return f'<span class="math-tex display">{escapeHtml(tokens[idx].content)}</span>'


def _render_display(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    line = f' data-src-line="{token.map[0] + 1}"' if token.map else ""
    return f'<div class="math-tex display"{line}>{escapeHtml(token.content)}</div>\n'


def math_plugin(md: MarkdownIt) -> None:
    """Every math syntax the articles use, rendered for the math stage (see the module's docstring)."""
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True,
           allow_labels=False, allow_blank_lines=False)
    md.inline.ruler.before("escape", "math_brackets", _bracket_math)
    md.use(amsmath_plugin)
    # ours comes first, and reads every display formula the plugins' block rules would
    md.block.ruler.before("table", "math_display", _display_math,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    for name in ("math_inline", "math_inline_double", "math_single"):
        md.add_render_rule(name, _render_inline)
    md.add_render_rule("math_inline_display", _render_inline_display)
    md.add_render_rule("math_display", _render_display)
    md.add_render_rule("amsmath", _render_display)
