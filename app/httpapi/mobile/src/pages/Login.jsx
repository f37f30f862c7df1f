// The dev login, for a browser outside DingTalk (inside, 免登 signs in).
import { useEffect, useState } from 'react'
import { Button, Form, Input, NoticeBar } from 'antd-mobile'
import { post, session } from '../api.js'
import { title } from '../dd.js'

export default function Login({ onDone, expired }) {
  const [form] = Form.useForm()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(expired ? '登录已过期，请重新登录' : '')
  const [totp, setTotp] = useState(false)

  useEffect(() => { title('登录') }, [])

  async function submit(v) {
    setBusy(true)
    setError('')
    try {
      const body = { username: (v.username || '').trim(), password: v.password || '' }
      if (totp) body.totp_code = (v.totp_code || '').trim()
      const s = await post('/auth/login', body)
      if (s.totp_enrolment_required) {
        // The token only serves enrolling, which takes the console's key
        // page; inside DingTalk, 免登 needs none of this.
        setError('你的角色要求开启两步验证：请先在电脑上登录管理后台，按提示绑定身份验证器；或在钉钉工作台中打开本应用')
        return
      }
      session.save(s.token, s.user)
      onDone(s.user)
    } catch (e) {
      if (e.code === 'totp_required') setTotp(true)
      setError(e.text)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="login">
      <div className="login-head">
        <div className="login-logo">ERP</div>
        <h1>进销存 · 移动端</h1>
        <p>库存查询、手机开单、审批</p>
      </div>
      <NoticeBar content="在钉钉工作台中打开将自动登录，无需输入密码" color="info" wrap />
      <Form form={form} layout="horizontal" onFinish={submit} className="login-form"
        footer={<Button block type="submit" color="primary" size="large" loading={busy} data-test="login">登录</Button>}>
        <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input placeholder="请输入用户名" autoComplete="username" clearable data-test="username" />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
          <Input placeholder="请输入密码" type="password" autoComplete="current-password" clearable data-test="password" />
        </Form.Item>
        {totp && (
          <Form.Item name="totp_code" label="验证码" rules={[{ required: true, message: '请输入身份验证器中的六位验证码' }]}>
            <Input placeholder="六位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" data-test="totp" />
          </Form.Item>
        )}
      </Form>
      {error && <div className="form-error" role="alert" data-test="login-error">{error}</div>}
    </div>
  )
}
