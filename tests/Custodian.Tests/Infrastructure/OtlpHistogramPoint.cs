namespace Custodian.Tests.Infrastructure;

/// <summary>A histogram point as exported.</summary>
public sealed record OtlpHistogramPoint(string Service, string Metric, IReadOnlyDictionary<string, string> Attributes, ulong Count);
