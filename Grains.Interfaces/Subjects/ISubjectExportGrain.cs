namespace Custodian.Subjects;

/// <summary>
/// Writes a data subject's export document (keyed like the subject, <c>tenant/subject</c>): what the subject's
/// grain holds and, for an access export, the subject's access log from the region's audit trail.
/// </summary>
[Alias("Custodian.Subjects.ISubjectExportGrain")]
public interface ISubjectExportGrain : IGrainWithStringKey
{
    /// <summary>The JSON of the Art. 15 access (or, with <paramref name="portability"/>, Art. 20 portability) export.</summary>
    [Alias("Write")]
    Task<SubjectExportFile> WriteAsync(bool portability);
}

/// <summary>An export document as JSON (<see cref="SubjectExportDocument"/>), and how many access-log entries it carries.</summary>
[GenerateSerializer, Alias("Custodian.Subjects.SubjectExportFile")]
public sealed record SubjectExportFile([property: Id(0)] byte[] Json, [property: Id(1)] int AccessLogEntries)
{
    /// <summary>Never shows the document.</summary>
    public override string ToString() => $"SubjectExportFile {{ {Json.Length} bytes, AccessLogEntries = {AccessLogEntries} }}";
}
