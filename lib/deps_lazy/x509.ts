/** Lazily loaded: X.509 generation for the simulated cluster's CA. @module */
import "npm:reflect-metadata@0.2.2";
export * as x509 from "npm:@peculiar/x509@2.2.0";
