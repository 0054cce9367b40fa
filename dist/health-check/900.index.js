const j=900,w=[900],H={9900:((B,f,o)=>{o.d(f,{analysisReport:()=>R,healthSummary:()=>E,timelineLine:()=>S});var i=o(1511),g=o(9937),p=o(1102);const v=1024*1024,k=512;function d(s){return s.replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/"/g,"&quot;")}function h(s){return d(s).replace(/\|/g,"\\|").replace(/\r?\n/g,"<br>")}function I(s,e=""){const t=Math.max(2,...[...s.matchAll(/`+/g)].map(a=>a[0].length)),n="`".repeat(t+1);return`${n}${e}
${s}
${n}`}function u(s,e){const t=`| ${s.map(h).join(" | ")} |`,n=`| ${s.map(()=>"---").join(" | ")} |`,a=e.map(l=>`| ${l.map(h).join(" | ")} |`);return[t,n,...a].join(`
`)}function m(s,e){return`<details><summary>${d(s)}</summary>

${e}

</details>`}class b{limitBytes;parts=[];bytes=0;omitted=0;constructor(e=v){this.limitBytes=e}add(e){const t=`${(0,p.E$)(e)}

`,n=Buffer.byteLength(t,"utf8");return this.bytes+n>this.limitBytes-k?(this.omitted++,!1):(this.parts.push(t),this.bytes+=n,!0)}heading(e,t=2){return this.add(`${"#".repeat(t)} ${e}`)}get omittedSections(){return this.omitted}toString(){const e=this.omitted>0?`> [!NOTE]
> ${this.omitted} more section(s) were left out to keep this summary under GitHub's ${Math.round(this.limitBytes/1024)} KiB limit; the full results are in the step's outputs and log.
`:"";return this.parts.join("")+e}async write(e=process.env){e.GITHUB_STEP_SUMMARY&&(0,g.Jc)(this.toString(),e)}}var M=o(1949);function R(s,e){return{startedAt:e.startedAt,elapsedMs:e.elapsedMs,decidedAtMs:e.decidedAt,phase:e.state.phase,reason:e.state.reason,checks:e.state.checks.map(t=>{const n=s.find(a=>a.name===t.name);return{name:t.name,kind:n?.kind??"http",target:n?(0,M.cn)(n):"",phase:t.phase,reason:t.reason,measurements:t.measurements,successful:t.successful,failed:t.failed,inconclusive:t.inconclusive,errors:t.errors}}),measurements:e.measurements}}const c={successful:"\u2705",failed:"\u274C",inconclusive:"\u2754",error:"\u26A0\uFE0F",running:"\u23F3"};function S(s){return`[${(0,i.a)(s.at)}] ${s.check} ${c[s.phase]??""} ${s.phase} ${s.observed}${s.message?` \u2014 ${s.message}`:""}`}const r=300;function $(s){const e=s.slice(0,r).map(n=>[(0,i.a)(n.at),n.check,`${c[n.phase]??""} ${n.phase}`,n.observed,n.message??""]),t=s.length>r?`

\u2026and ${s.length-r} more in the \`report\` output.`:"";return u(["at","check","result","observed","why"],e)+t}function y(s){return u(["check","looks at","verdict","ok / failed / inconclusive / error","why"],s.checks.map(e=>[e.name,e.target,`${c[e.phase]??""} ${e.phase}`,`${e.successful} / ${e.failed} / ${e.inconclusive} / ${e.errors}`,e.reason??""]))}const T={healthy:"\u2705 Healthy","rolled-back":"\u21A9\uFE0F Rolled back",unhealthy:"\u274C Unhealthy (not rolled back)",inconclusive:"\u2754 Inconclusive",error:"\u26A0\uFE0F The analysis could not measure","rollback-failed":"\u{1F6A8} Unhealthy, and the rollback failed"};function E(s,e){const t=new b;if(t.heading(s,2),t.add(`**${T[e.verdict]??e.verdict}** \u2014 ${e.reason}`),e.analysis){const n=e.analysis;t.add(`Analysis: ${n.measurements.length} measurement(s) over ${(0,i.a)(n.elapsedMs)}${n.decidedAtMs!==void 0?`, decided at ${(0,i.a)(n.decidedAtMs)}`:""}.

${y(n)}`)}if(e.rollback){const n=e.rollback,a=n.strategy==="argocd"?`history id ${n.historyId} (revision \`${n.revision.slice(0,7)}\`)`:`the revert \`${n.revision.slice(0,7)}\` of \`${(n.revertedCommit??"").slice(0,7)}\``,l=["### Rollback",`Rolled back with **${n.strategy}** to ${a}${n.images.length?`; running ${n.images.map(A=>`\`${A}\``).join(", ")}`:""}.`,n.fallbackReason?`> [!NOTE]
> ${n.fallbackReason}.`:"",`Rollback call ${(0,i.a)(n.timings.callMs)}, sync until Healthy ${(0,i.a)(n.timings.syncMs)}.`];t.add(l.filter(Boolean).join(`

`))}if(e.recovery){const n=e.recovery;t.add(`### Recovery ${n.confirmed?"\u2705 confirmed":"\u274C not confirmed"}

${n.reason??""}

${y(n)}`)}return e.manualSteps?.length&&t.add(`### Recover by hand

${e.manualSteps.map((n,a)=>`${a+1}. ${n}`).join(`
`)}`),e.analysis?.measurements.length&&t.add(m(`Timeline of the analysis (${e.analysis.measurements.length} probes)`,$(e.analysis.measurements))),e.recovery?.measurements.length&&t.add(m(`Timeline of the recovery check (${e.recovery.measurements.length} probes)`,$(e.recovery.measurements))),t}})};export{j as id,w as ids,H as modules};
