#!/usr/bin/python3
"""Asks LibreOffice (through UNO) whether the digital signatures of DOCX files hold.

Usage: /usr/bin/python3 tests/helpers/verify-docx-signature.py FILE.docx [FILE.docx ...]
Prints one JSON object per file: {"file", "signatures": [{"valid", "certificateStatus", "signer", "date", "time", "description"}]}.
Run with Debian's /usr/bin/python3: it is the one that loads pyuno (python3-uno). It starts its own
headless LibreOffice with a private profile, so a LibreOffice running elsewhere does not interfere.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

READ = 1  # com.sun.star.embed.ElementModes.READ


def connect(pipe_name, process):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if process.poll() is not None:
                raise SystemExit("soffice exited before accepting a connection")
            time.sleep(0.25)
    raise SystemExit("soffice did not accept a connection within 60 seconds")


def verify(ctx, path):
    smgr = ctx.ServiceManager
    factory = smgr.createInstanceWithContext("com.sun.star.embed.StorageFactory", ctx)
    # The media descriptor must reach UNO typed as a sequence of PropertyValue.
    descriptor = uno.Any("[]com.sun.star.beans.PropertyValue", (PropertyValue("StorageFormat", 0, "ZipFormat", 0),))
    args = (uno.systemPathToFileUrl(os.path.abspath(path)), READ, descriptor)
    storage = uno.invoke(factory, "createInstanceWithArguments", (args,))
    checker = smgr.createInstanceWithContext("com.sun.star.security.DocumentDigitalSignatures", ctx)
    infos = checker.verifyDocumentContentSignatures(storage, None)
    out = []
    for info in infos:
        signer = info.Signer.SubjectName if info.Signer else None
        out.append({
            "valid": bool(info.SignatureIsValid),
            "certificateStatus": int(info.CertificateStatus),
            "signer": signer,
            "date": int(info.SignatureDate),
            "time": int(info.SignatureTime),
            "description": getattr(info, "Description", None) if hasattr(info, "Description") else None,
        })
    storage.dispose()
    return out


def main(paths):
    profile = tempfile.mkdtemp(prefix="mou-lo-sig-")
    pipe_name = "mou_sig_" + str(os.getpid())
    process = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         "--nologo", f"--accept=pipe,name={pipe_name};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ctx = connect(pipe_name, process)
        for path in paths:
            print(json.dumps({"file": path, "signatures": verify(ctx, path)}), flush=True)
        try:
            ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx).terminate()
        except Exception:
            pass
    finally:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        subprocess.run(["rm", "-rf", profile])


if __name__ == "__main__":
    main(sys.argv[1:])
