#!/usr/bin/env node
console.log("empreinte");
