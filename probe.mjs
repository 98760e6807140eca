import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
function time(name, f, r=3){ f().dataSync(); const t=performance.now(); for(let i=0;i<r;i++){ const o=f(); o.dataSync(); o.dispose?.();} console.log(name, ((performance.now()-t)/r).toFixed(1),'ms'); }
const a=tf.randomNormal([128,64,32]), b=tf.randomNormal([128,32,64]);
time('batched 128x64x32x64', ()=>tf.matMul(a,b));
const a2=tf.randomNormal([2048,128]), w=tf.randomNormal([128,512]);
time('2d 2048x128x512', ()=>tf.matMul(a2,w));
const a3=tf.randomNormal([32,64,128]); 
time('bcast [32,64,128]x[128,512]', ()=>tf.matMul(a3,w));
const x=tf.randomNormal([64,32,32,16]), k=tf.randomNormal([3,3,16,16]);
time('conv fwd', ()=>tf.conv2d(x,k,1,'same'));
const dy=tf.randomNormal([64,32,32,16]);
time('conv bwd input', ()=>tf.conv2dTranspose(dy,k,[64,32,32,16],1,'same'));
time('tile', ()=>tf.tile(tf.randomNormal([1,64,128]),[32,1,1]));
time('transpose', ()=>tf.transpose(a,[0,2,1]));
