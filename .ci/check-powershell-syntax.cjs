// Parses every .ps1/.psd1/.psm1 file given (or found under the repository) with tree-sitter-powershell and
// reports syntax errors with their line and column. PowerShell itself cannot be installed on the project's
// machines, so this is the check that runs everywhere. Usage: node check-powershell-syntax.cjs <repo-root>
// Needs web-tree-sitter and tree-sitter-powershell resolvable (NODE_PATH or a node_modules above).
'use strict';
const fs = require('fs');
const path = require('path');
const { Parser, Language } = require('web-tree-sitter');

function findScripts(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['.git', 'node_modules', 'bin', 'obj', 'out'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findScripts(full, found);
    else if (/\.(ps1|psd1|psm1)$/i.test(entry.name)) found.push(full);
  }
  return found;
}

function firstErrors(node, errors = []) {
  if (errors.length >= 5) return errors;
  if (node.type === 'ERROR' || node.isMissing) {
    errors.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? 'missing ' + node.type : 'unexpected ' + JSON.stringify(node.text.slice(0, 40))}`);
    return errors;
  }
  for (const child of node.children) if (child.hasError || child.isMissing) firstErrors(child, errors);
  return errors;
}

(async () => {
  const root = path.resolve(process.argv[2] || '.');
  await Parser.init();
  const wasm = require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  const language = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(language);
  let passed = 0, failed = 0;
  for (const file of findScripts(root).sort()) {
    const tree = parser.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    const rel = path.relative(root, file);
    if (tree.rootNode.hasError) {
      failed++;
      console.log(`FAIL ${rel}: ${firstErrors(tree.rootNode).join('; ')}`);
    } else {
      passed++;
      console.log(`ok   ${rel}`);
    }
  }
  console.log(`syntax: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
})().catch(e => { console.error(e); process.exit(2); });
