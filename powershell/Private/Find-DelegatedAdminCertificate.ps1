function Find-DelegatedAdminCertificate {
    <#
    .SYNOPSIS
    Finds a certificate with its private key by thumbprint in the current user's, then the computer's, personal
    certificate store (Cert:\CurrentUser\My, Cert:\LocalMachine\My).

    .DESCRIPTION
    As Connect-MgGraph -CertificateThumbprint does. On Windows these are the Windows certificate stores; on Linux
    and macOS, .NET's own store of the user (~/.dotnet/corefx/cryptography/x509stores/my; .NET has no
    LocalMachine\My there, and it is skipped). The thumbprint may contain spaces, colons or lower case (as the
    certificate dialogs show it). A thumbprint found nowhere, or a certificate without a private key, is an
    ErrorRecord thrown, naming the stores searched.

    .PARAMETER Thumbprint
    The SHA-1 thumbprint (40 hex digits).

    .OUTPUTS
    System.Security.Cryptography.X509Certificates.X509Certificate2
    #>
    [CmdletBinding()]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Thumbprint
    )

    $normalized = ($Thumbprint -replace '[\s:\u200e\u200f-]', '').ToUpperInvariant()
    if ($normalized -notmatch '^[0-9A-F]{40}$') {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-CertificateThumbprint '{0}' is not a certificate thumbprint (40 hexadecimal digits)." -f $Thumbprint) -ErrorId 'DelegatedAdmin.InvalidArgument.CertificateThumbprint' -Category InvalidArgument -TargetObject $Thumbprint
        throw $record
    }
    $searched = New-Object -TypeName System.Collections.Generic.List[string]
    $withoutKey = $null
    foreach ($location in @('CurrentUser', 'LocalMachine')) {
        $store = $null
        try {
            $store = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', $location
            $store.Open('ReadOnly, OpenExistingOnly')
            $searched.Add(('Cert:\{0}\My' -f $location))
            $found = $store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $normalized, $false)
            foreach ($certificate in $found) {
                if ($certificate.HasPrivateKey) {
                    return $certificate
                }
                $withoutKey = $certificate
            }
        }
        catch {
            # A store that does not exist here (LocalMachine\My on Linux and macOS) is skipped.
            Write-Verbose ('Certificate store {0}\My not searched: {1}' -f $location, $_.Exception.Message)
        }
        finally {
            if ($null -ne $store) {
                $store.Close()
            }
        }
    }
    if ($null -ne $withoutKey) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate {0} ('{1}') is in the store without its private key: import it with its key (a PFX), or use -CertificatePath." -f $normalized, $withoutKey.Subject) -ErrorId 'DelegatedAdmin.CertificateUnusable' -Category InvalidArgument -TargetObject $normalized
        throw $record
    }
    $record = ConvertTo-DelegatedAdminErrorRecord -Message ('No certificate with the thumbprint {0} is in {1}.' -f $normalized, ($searched -join ' or ')) -ErrorId 'DelegatedAdmin.CertificateNotFound' -Category ObjectNotFound -TargetObject $normalized
    throw $record
}
