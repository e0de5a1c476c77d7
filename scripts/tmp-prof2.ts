import { RecordStore } from "../src/simulator/store/record-store.js";
import type { FieldDef, SchemaView, SimRecord } from "../src/simulator/schema/types.js";
const TABLE="u";
const schema: SchemaView = { hasTable: (t) => t === TABLE, field: () => undefined, fields: () => [] as FieldDef[], descendants: (t) => [t], ancestors: (t) => [t], displayField: () => "sys_id" };
const N=300000;
const hex8 = (n: number) => n.toString(16).padStart(8, "0");
let t = performance.now();
const recs: SimRecord[] = [];
for (let i=0;i<N;i++) recs.push({sys_id: hex8((Math.random()*2**32)>>>0)+hex8((Math.random()*2**32)>>>0)+hex8((Math.random()*2**32)>>>0)+hex8(i), sys_class_name:TABLE, sys_created_on:"2024-01-01 00:00:00", sys_created_by:"generator", sys_updated_on:"2024-01-01 00:"+String(Math.floor(i/60)%60).padStart(2,"0")+":"+String(i%60).padStart(2,"0"), sys_updated_by:"generator", sys_mod_count:"0", u_service:"abcdef0123456789abcdef0123456789", u_period:"2024-01-01", u_visits:String(i), u_page_views:String(i*3), u_transactions:"12", u_data_gb:"1.234", u_avg_session_min:"4.2", u_mobile_share:"0.55"});
console.log("gen", (performance.now()-t).toFixed(0));
t = performance.now(); let L=0; for (const r of recs) L+=JSON.stringify(r).length; console.log("stringify", (performance.now()-t).toFixed(0));
const store = RecordStore.open({schema});
t = performance.now(); store.bulkLoad(TABLE, recs); console.log("bulkLoad", (performance.now()-t).toFixed(0));
store.close();
for (const [threads, cache] of [[0, 65536], [2, 65536], [0, 262144], [2, 262144], [0, 65536]] as const) {
  const s = RecordStore.open({schema});
  // biome-ignore lint: experiment
  const db = (s as any).file.db; db.pragma("threads="+threads); db.pragma("cache_size=-"+cache);
  const fam = (s as any).familyTable(TABLE, true); 
  let t0 = performance.now(); fam.dropIndexes();
  db.exec("BEGIN"); let k=0; for (const r of recs) { fam.insert({sysId:r.sys_id, cls:TABLE, createdOn:r.sys_created_on, updatedOn:r.sys_updated_on, data: JSON.stringify(r)}); if (++k%10000===0) {db.exec("COMMIT");db.exec("BEGIN");} } db.exec("COMMIT");
  const a = performance.now()-t0; t0 = performance.now();
  fam.createIndexes();
  console.log(threads, cache, "insert", a.toFixed(0), "index", (performance.now()-t0).toFixed(0));
  s.close();
}
