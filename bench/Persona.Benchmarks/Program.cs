using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Persona.Benchmarks.EngineBenchmarks).Assembly).Run(args);
