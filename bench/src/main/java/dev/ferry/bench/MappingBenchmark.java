package dev.ferry.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Records per second for one 20-field mapping, four engines, same input, one run. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MappingBenchmark {

    final MappingEngines engines = new MappingEngines();

    @Benchmark
    public Object ferry() {
        return engines.ferry();
    }

    @Benchmark
    public Object handWrittenJackson() {
        return engines.handWritten();
    }

    @Benchmark
    public Object jslt() {
        return engines.jslt();
    }

    @Benchmark
    public Object jsonata() {
        return engines.jsonata();
    }
}
