// esbuild turns `import './x.css'` in an entry point into the bundle's .css file.
declare module '*.css';
